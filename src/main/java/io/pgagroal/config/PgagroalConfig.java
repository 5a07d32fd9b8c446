package io.pgagroal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private PgagroalConfig(MainConfig main, List<ServerConfig> servers, List<HbaEntry> hba, Limits limits,
                           ConfigPaths paths, List<String> warnings, List<ConfigException> notSupported) {
        this.main = main;
        this.servers = servers;
        this.hba = hba;
        this.limits = limits;
        this.paths = paths;
        this.warnings = warnings;
        this.notSupported = notSupported;
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
        return assemble(Source.read(paths.config()), Source.read(paths.hba()),
                paths.limit() == null ? null : Source.read(paths.limit()), users, paths, environment);
    }

    private static PgagroalConfig assemble(Source conf, Source hbaFile, Source limitFile, KnownUsers users,
                                           ConfigPaths paths, Function<String, String> environment)
            throws ConfigException {
        Warnings warnings = new Warnings();
        ConfFile.Content content = ConfFile.read(conf, environment, warnings);
        List<HbaEntry> hba = HbaFile.read(hbaFile);
        Limits limits = limitFile == null
                ? Limits.NONE
                : LimitsFile.read(limitFile, content.main().maxConnections(), users.users(), warnings);
        Validation.check(content.main(), content.servers(), hba, limits, users, warnings);
        return new PgagroalConfig(content.main(), content.servers(), hba, limits, paths, warnings.list(),
                content.notSupported());
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
            return assemble(new Source("<pgagroal.conf>", conf), new Source("<pgagroal_hba.conf>", hba),
                    limits.isEmpty() ? null : new Source("<pgagroal_databases.conf>", limits), users, null,
                    System::getenv);
        }

        private static String line(String text) {
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("line break in configuration line: " + text);
            }
            return text;
        }
    }
}
