package io.pgagroal.config;

import static io.pgagroal.config.Setting.*;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Keys that are parsed and validated like every other key but whose feature does not exist yet: set to
 * anything but their default they stop start-up with "not supported yet", so no key is accepted without
 * effect. They are collected while the file is read and refused when the pool starts, not by the parser,
 * so the checks of their values (TLS files, failover script, ports) keep running and being tested.
 */
final class NotSupported {

    static final Set<Setting> KEYS = Set.of(
            METRICS, METRICS_CACHE_MAX_AGE, METRICS_CACHE_MAX_SIZE, METRICS_CERT_FILE, METRICS_KEY_FILE, METRICS_CA_FILE,
            FAILOVER, FAILOVER_SCRIPT, TRACKER);

    private NotSupported() {
    }

    /** Adds a "not supported yet" error for each such key of the section set to a value other than its default. */
    static void collect(SectionValues values, List<ConfigException> into) {
        for (Setting setting : Setting.values()) {
            if (KEYS.contains(setting) && values.isSet(setting)
                    && !Objects.equals(values.get(setting), setting.parse(setting.defaultValue()))) {
                into.add(values.error(setting, "not supported yet"));
            }
        }
    }
}
