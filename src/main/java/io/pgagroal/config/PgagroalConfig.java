package io.pgagroal.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One immutable, validated snapshot of the configuration: pgagroal.conf, pgagroal_hba.conf and
 * pgagroal_databases.conf. A reload builds a new snapshot and swaps it in; nothing here ever changes.
 *
 * <p>The {@link Builder} writes its settings as the lines of pseudo files ({@code <pgagroal.conf>} and
 * so on) and hands them to the same readers and checks as files on disk, so a program that embeds the
 * pool gets exactly the rules and messages a configuration file gets.
 */
public final class PgagroalConfig {

    private final MainConfig main;
    private final List<ServerConfig> servers;
    private final List<HbaEntry> hba;
    private final Limits limits;
    private final ConfigPaths paths;
    private final List<String> warnings;
    private final List<ConfigException> notSupported;
    private final Sources sources;
    private final Map<String, SectionValues> serverSections;

    private PgagroalConfig(MainConfig main, List<ServerConfig> servers, List<HbaEntry> hba, Limits limits,
                           ConfigPaths paths, List<String> warnings, List<ConfigException> notSupported,
                           Sources sources, Map<String, SectionValues> serverSections) {
        this.serverSections = serverSections;
        this.main = main;
        this.servers = servers;
        this.hba = hba;
        this.limits = limits;
        this.paths = paths;
        this.warnings = warnings;
        this.notSupported = notSupported;
        this.sources = sources;
    }

    /** The lines this snapshot was read from, kept so that a reload can read them again over a running snapshot. */
    private record Sources(Source conf, Source hba, Source limit, Function<String, String> environment) {
    }

    /** Loads the files without any users files; see {@link #load(ConfigPaths, KnownUsers)}. */
    public static PgagroalConfig load(ConfigPaths paths) throws ConfigException {
        return load(paths, KnownUsers.NONE);
    }

    /**
     * Loads and validates pgagroal.conf, the HBA file and the databases file (when {@code paths.limit()} is
     * set). The users-type files are not read here: {@code users} gives the names they contain.
     */
    public static PgagroalConfig load(ConfigPaths paths, KnownUsers users) throws ConfigException {
        return load(paths, users, System::getenv);
    }

    static PgagroalConfig load(ConfigPaths paths, KnownUsers users, Function<String, String> environment)
            throws ConfigException {
        return assemble(new Sources(Source.read(paths.config()), Source.read(paths.hba()),
                paths.limit() == null ? null : Source.read(paths.limit()), environment), users, paths, null);
    }

    /**
     * @param running when set, restart-only keys whose value differs keep {@code running}'s value and
     *        the servers are {@code running}'s (a reload)
     */
    private static PgagroalConfig assemble(Sources sources, KnownUsers users, ConfigPaths paths,
                                           PgagroalConfig running) throws ConfigException {
        Warnings warnings = new Warnings();
        ConfFile.Content content = ConfFile.read(sources.conf(), sources.environment(), warnings);
        MainConfig main = content.main();
        List<ServerConfig> servers = content.servers();
        Map<String, SectionValues> serverSections = content.serverSections();
        if (running != null) {
            servers = running.servers;
            serverSections = running.serverSections;
            main = new MainConfig(main.source().keeping(running.main.source(), restartOnlyChanges(running.main, main)),
                    MainConfig.anyServerTls(servers));
        }
        List<HbaEntry> hba = HbaFile.read(sources.hba());
        Limits limits = sources.limit() == null
                ? Limits.NONE
                : LimitsFile.read(sources.limit(), main.maxConnections(), users.users(), warnings);
        Validation.check(main, servers, hba, limits, users, warnings);
        return new PgagroalConfig(main, servers, hba, limits, paths, warnings.list(), content.notSupported(),
                sources, serverSections);
    }

    /** The keys of the {@code [pgagroal]} section that only a restart applies and whose effective value differs. */
    static Set<Setting> restartOnlyChanges(MainConfig running, MainConfig next) {
        Set<Setting> changed = EnumSet.noneOf(Setting.class);
        for (Setting setting : Setting.values()) {
            if (setting.section() == Setting.Section.MAIN && !setting.reloadable()
                    && !Objects.equals(running.value(setting), next.value(setting))) {
                changed.add(setting);
            }
        }
        return changed;
    }

    /**
     * This configuration's files read again over {@code running}: every restart-only key whose value
     * differs keeps its running value, the servers are the running ones, and the result is validated
     * as a whole.
     */
    PgagroalConfig over(PgagroalConfig running, KnownUsers users) throws ConfigException {
        return assemble(sources, users, paths, running);
    }

    /**
     * This configuration with one {@code [pgagroal]} key set to {@code value} (management's conf set),
     * read and validated as a whole as its files would be: the line {@code key = value} is added at
     * the end of the section, where it wins over the file's own line. The files are not changed, so a
     * reload from files brings their values back.
     */
    public PgagroalConfig with(String key, String value, KnownUsers users) throws ConfigException {
        Setting setting = Setting.byKey(Setting.Section.MAIN, key)
                .orElseThrow(() -> new ConfigException(sources.conf().name(), 0, key, "unknown key"));
        List<String> lines = new ArrayList<>(sources.conf().lines());
        int end = lines.size();
        boolean inMain = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("[")) {
                if (inMain) {
                    end = i;
                    break;
                }
                inMain = line.substring(1, Math.max(1, line.indexOf(']'))).strip().equals(ConfFile.MAIN_SECTION);
            }
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new ConfigException(sources.conf().name(), 0, key, "line break in the value");
        }
        lines.add(end, setting.key() + " = " + value);
        return assemble(new Sources(new Source(sources.conf().name(), lines), sources.hba(), sources.limit(),
                sources.environment()), users, paths, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public MainConfig main() {
        return main;
    }

    public List<ServerConfig> servers() {
        return servers;
    }

    /**
     * A problem with a server's setting found after loading (a TLS file that does not load), located
     * as {@code file:line: key: problem} like every configuration error.
     */
    public ConfigException serverError(ServerConfig server, Setting setting, String problem) {
        SectionValues section = serverSections.get(server.name());
        return section == null ? new ConfigException(sources.conf().name(), 0, setting.key(), problem)
                : section.error(setting, problem);
    }

    public List<HbaEntry> hba() {
        return hba;
    }

    /** The databases file; no entries when there is none. */
    public Limits limits() {
        return limits;
    }

    /** The files this snapshot was loaded from; {@code null} when it was built programmatically. */
    public ConfigPaths paths() {
        return paths;
    }

    /** Everything that was accepted with a warning, as {@code file:line: key: problem}. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Fails with the first key that is set but whose feature does not exist yet ({@code file:line: key:
     * not supported yet}). Loading does not fail on them, so their values are still checked; starting
     * the pool does.
     */
    public void requireSupported() throws ConfigException {
        if (!notSupported.isEmpty()) {
            throw notSupported.getFirst();
        }
    }

    /**
     * A configuration without files. Values are written as in the files ({@code set("log_line_prefix",
     * "'%H:%M'")} needs its quotes); host, port, unix_socket_dir, one server and one HBA line are required
     * as they are in files.
     */
    public static final class Builder {

        private final Map<String, String> main = new LinkedHashMap<>();
        private final List<String> servers = new ArrayList<>();
        private final List<String> hba = new ArrayList<>();
        private final List<String> limits = new ArrayList<>();
        private KnownUsers users = KnownUsers.NONE;

        private Builder() {
        }

        /** A {@code key = value} line of the {@code [pgagroal]} section; a later value for a key replaces it. */
        public Builder set(String key, String value) {
            main.put(key, line(key + " = " + value));
            return this;
        }

        /** A server section with its host and port. */
        public Builder server(String name, String host, int port) {
            servers.addAll(List.of(line("[" + name + "]"), line("host = " + host), "port = " + port));
            return this;
        }

        /** A {@code key = value} line of the server section added last, e.g. {@code tls_mode = verify-full}. */
        public Builder serverSet(String key, String value) {
            if (servers.isEmpty()) {
                throw new IllegalStateException("no server section yet");
            }
            servers.add(line(key + " = " + value));
            return this;
        }

        /** A line of pgagroal_hba.conf, e.g. {@code host all all all scram-sha-256}. */
        public Builder hba(String line) {
            hba.add(line(line));
            return this;
        }

        /** A line of pgagroal_databases.conf, e.g. {@code mydb=alias appuser 10 2 2}. */
        public Builder limit(String line) {
            limits.add(line(line));
            return this;
        }

        /** The names in the users-type files; none by default. */
        public Builder users(KnownUsers users) {
            this.users = users;
            return this;
        }

        public PgagroalConfig build() throws ConfigException {
            List<String> conf = new ArrayList<>(List.of("[" + ConfFile.MAIN_SECTION + "]"));
            conf.addAll(main.values());
            conf.addAll(servers);
            return assemble(new Sources(new Source("<pgagroal.conf>", conf), new Source("<pgagroal_hba.conf>", hba),
                    limits.isEmpty() ? null : new Source("<pgagroal_databases.conf>", limits), System::getenv),
                    users, null, null);
        }

        private static String line(String text) {
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("line break in configuration line: " + text);
            }
            return text;
        }
    }
}
