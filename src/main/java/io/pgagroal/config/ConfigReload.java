package io.pgagroal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A configuration reload (spec §10.2): what the pooler runs with next, and what the reload changed.
 *
 * <p>The new files are first read and validated exactly as at start, so a broken file fails with the
 * message start-up would give. They are then read again over the running snapshot: each restart-only
 * key whose value differs keeps its running value (the change is reported, not applied), the servers
 * stay the running ones, and the result is validated again, as the whole that will run. A restart-only
 * value that other keys would change anyway (pipeline = auto becoming session because
 * disconnect_client was set) cannot be kept, so such a reload fails too. Either everything is applied
 * or nothing is.
 *
 * @param config          the snapshot to run with
 * @param applied         reloadable keys whose value changed, {@code pgagroal_hba.conf} when its entries
 *                        changed, {@code pgagroal_databases.conf} when names, aliases or max_size changed
 * @param restartRequired restart-only keys whose value changed, {@code servers}, and
 *                        {@code pgagroal_databases.conf initial_size/min_size} when the prefill would
 *                        change (the prefill keeps the entries it was started with)
 */
public record ConfigReload(PgagroalConfig config, List<String> applied, List<String> restartRequired) {

    public ConfigReload {
        applied = List.copyOf(applied);
        restartRequired = List.copyOf(restartRequired);
    }

    /**
     * @param running   the snapshot in force
     * @param candidate the new configuration, validated on its own (from the files, or built)
     * @param users     the names in the users-type files that will be in force
     * @throws ConfigException when the combination cannot run; nothing is applied then
     */
    public static ConfigReload of(PgagroalConfig running, PgagroalConfig candidate, KnownUsers users)
            throws ConfigException {
        PgagroalConfig next = candidate.over(running, users);
        Set<Setting> forced = PgagroalConfig.restartOnlyChanges(running.main(), next.main());
        if (!forced.isEmpty()) {
            Setting setting = forced.iterator().next();
            throw next.main().source().error(setting, "would change from " + running.main().value(setting) + " to "
                    + next.main().value(setting) + " because of other changed keys, which needs a restart");
        }
        List<String> restartRequired = new ArrayList<>();
        PgagroalConfig.restartOnlyChanges(running.main(), candidate.main()).forEach(s -> restartRequired.add(s.key()));
        if (!candidate.servers().equals(running.servers())) {
            restartRequired.add("servers");
        }
        List<String> applied = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (setting.section() == Setting.Section.MAIN && setting.reloadable()
                    && !Objects.equals(running.main().value(setting), next.main().value(setting))) {
                applied.add(setting.key());
            }
        }
        if (!entries(running.hba()).equals(entries(next.hba()))) {
            applied.add("pgagroal_hba.conf");
        }
        if (!admission(running).equals(admission(next))) {
            applied.add("pgagroal_databases.conf");
        }
        if (!prefilled(running).equals(prefilled(next))) {
            restartRequired.add("pgagroal_databases.conf initial_size/min_size");
        }
        return new ConfigReload(next, applied, restartRequired);
    }

    /** What new clients are checked against: the entries' names, aliases and max_size. */
    private static List<List<Object>> admission(PgagroalConfig config) {
        return config.limits().entries().stream()
                .map(e -> List.<Object>of(e.database(), e.aliases(), e.user(), e.maxSize())).toList();
    }

    /** What the prefill, set up at start, works from: the entries with initial_size or min_size. */
    private static List<List<Object>> prefilled(PgagroalConfig config) {
        return config.limits().entries().stream().filter(e -> e.initialSize() > 0 || e.minSize() > 0)
                .map(e -> List.<Object>of(e.database(), e.user(), e.initialSize(), e.minSize())).toList();
    }

    /** HBA entries compared by what they match and decide, not by where they were written. */
    private static List<List<Object>> entries(List<HbaEntry> hba) {
        return hba.stream().map(e -> List.<Object>of(e.type(), e.database(), e.user(), e.address(), e.method())).toList();
    }
}
