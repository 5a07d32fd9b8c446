package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void everyDefaultIsAValidValue() {
        for (Setting setting : Setting.values()) {
            if (!setting.required()) {
                assertThatCode(() -> setting.parse(setting.defaultValue())).as(setting.key()).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void keysAreUniquePerSection() {
        Set<String> seen = new HashSet<>();
        for (Setting setting : Setting.values()) {
            assertThat(seen.add(setting.section() + "." + setting.key())).as(setting.key()).isTrue();
            assertThat(Setting.byKey(setting.section(), setting.key())).contains(setting);
            assertThat(setting.description()).isNotBlank();
        }
    }

    @Test
    void lookupByKey() {
        assertThat(Setting.byKey("host")).contains(Setting.HOST);
        assertThat(Setting.byKey(Setting.Section.SERVER, "host")).contains(Setting.SERVER_HOST);
        assertThat(Setting.byKey("primary")).isEmpty();
        assertThat(Setting.byKey("non_blocking")).isEmpty();
    }

    @Test
    void requiredKeys() {
        assertThat(Arrays.stream(Setting.values()).filter(Setting::required))
                .containsExactly(Setting.HOST, Setting.PORT, Setting.UNIX_SOCKET_DIR, Setting.SERVER_HOST,
                        Setting.SERVER_PORT);
    }

    @Test
    void pathKeys() {
        assertThat(Arrays.stream(Setting.values()).filter(s -> s.type() == Setting.Type.PATH).map(Setting::key))
                .containsOnly("unix_socket_dir", "metrics_cert_file", "metrics_key_file", "metrics_ca_file", "log_path",
                        "failover_script", "tls_cert_file", "tls_key_file", "tls_ca_file", "pidfile");
        assertThat(Setting.isPathKey("tls_ca_file")).isTrue();
        assertThat(Setting.isPathKey("log_line_prefix")).isFalse();
    }

    @Test
    void typesUnitsAndChoices() {
        assertThat(Setting.BLOCKING_TIMEOUT.type()).isEqualTo(Setting.Type.DURATION);
        assertThat(Setting.BLOCKING_TIMEOUT.unit()).isEqualTo("s");
        assertThat(Setting.LOG_ROTATION_SIZE.unit()).isEqualTo("bytes");
        assertThat(Setting.LOG_TYPE.allowedValues()).containsExactly("console", "file", "syslog");
        assertThat(Setting.MAX_CONNECTIONS.reloadable()).isFalse();
        assertThat(Setting.LOG_LEVEL.reloadable()).isTrue();
    }
}
