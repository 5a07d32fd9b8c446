package io.pgagroal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway PostgreSQL cluster made from the installed binaries: initdb into a fresh temporary
 * directory, started on a free port of 127.0.0.1, its Unix socket in that same directory.
 * As root the cluster belongs to, and runs as, the {@code postgres} user.
 *
 * <p>The superuser {@code postgres} gets a random password. Over Unix sockets everyone is trusted
 * (that is how the harness itself runs SQL); over TCP the chosen {@link AuthMethod} applies, so
 * clients of the pooler meet the same authentication a production server would ask for.
 *
 * <p>Stop it with {@link #stop()} or try-with-resources; a JVM shutdown hook stops it otherwise,
 * so a crashed or interrupted test run leaves no postmaster behind.
 */
public final class PostgresServer implements AutoCloseable {

    /** The pg_hba.conf method used for TCP connections. */
    public enum AuthMethod {
        TRUST("trust"), PASSWORD("password"), MD5("md5"), SCRAM("scram-sha-256");

        private final String hbaName;

        AuthMethod(String hbaName) {
            this.hbaName = hbaName;
        }

        public String hbaName() {
            return hbaName;
        }
    }

    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;

    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final String password;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "postgres-server-stop");
    private int port;
    private String serverOptions;
    private boolean stopped;

    public static PostgresServer start(AuthMethod method) {
        return builder().auth(method).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a server; {@link #start()} creates and starts it. */
    public static final class Builder {
        private AuthMethod auth = AuthMethod.TRUST;
        private int maxConnections = 200;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> hbaEntries = new ArrayList<>();
        private Certificates.Pair tls;
        private Path tlsCa;
        private boolean hostsslOnly;

        private Builder() {
        }

        /**
         * ssl = on with this certificate and key (PostgreSQL gets its own copies, private to it);
         * with {@code ca} (may be null), client certificates are checked against it (hba cert,
         * clientcert=verify-ca).
         */
        public Builder tls(Certificates.Pair certificate, Path ca) {
            this.tls = certificate;
            this.tlsCa = ca;
            return this;
        }

        /** The default TCP lines of pg_hba.conf are hostssl lines: a cleartext TCP client is refused. */
        public Builder hostsslOnly() {
            this.hostsslOnly = true;
            return this;
        }

        public Builder auth(AuthMethod auth) {
            this.auth = auth;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** A postgresql.conf setting, e.g. {@code setting("log_connections", "on")}. */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** A pg_hba.conf line placed before the default ones, which it therefore overrides. */
        public Builder hbaEntry(String line) {
            hbaEntries.add(line);
            return this;
        }

        public PostgresServer start() {
            return new PostgresServer(this);
        }
    }

    private PostgresServer(Builder options) {
        try {
            baseDir = Files.createTempDirectory("pgagroal-pg");
            dataDir = baseDir.resolve("data");
            logFile = baseDir.resolve("postgres.log");
            password = randomPassword();
            Os.makePrivate(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for PostgreSQL", e);
        }
        try {
            initdb(options.auth);
            configure(options);
            startOnFreePort(options.maxConnections);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            if (options.auth == AuthMethod.MD5) {
                // initdb stored the superuser's password as SCRAM, which md5 authentication cannot check.
                execute("ALTER ROLE " + SUPERUSER + " PASSWORD " + literal(password));
            }
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("Cannot configure PostgreSQL in " + dataDir, e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    private void initdb(AuthMethod auth) throws IOException {
        Path passwordFile = baseDir.resolve("superuser.password");
        Files.writeString(passwordFile, password + "\n");
        Os.makePrivate(passwordFile);
        ProcessResult result = postgresCommand(PgBinaries.tool("initdb").toString(), "-D", dataDir.toString(),
                "--no-sync", "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
                "--auth-local=trust", "--auth-host=" + auth.hbaName(), "--pwfile=" + passwordFile);
        Files.delete(passwordFile);
        if (!result.succeeded()) {
            throw new IllegalStateException("initdb failed\n" + result.describe());
        }
    }

    private void configure(Builder options) throws IOException {
        List<String> hba = new ArrayList<>(options.hbaEntries);
        hba.add("local all all trust");
        String tcp = options.hostsslOnly ? "hostssl" : "host";
        hba.add(tcp + " all all 127.0.0.1/32 " + options.auth.hbaName());
        hba.add(tcp + " all all ::1/128 " + options.auth.hbaName());
        Files.write(dataDir.resolve("pg_hba.conf"), hba);

        Map<String, String> settings = new LinkedHashMap<>();
        if (options.tls != null) {
            settings.put("ssl", "on");
            settings.put("ssl_cert_file", privateCopy(options.tls.certificate(), "server.crt"));
            settings.put("ssl_key_file", privateCopy(options.tls.key(), "server.key"));
            if (options.tlsCa != null) {
                settings.put("ssl_ca_file", privateCopy(options.tlsCa, "root.crt"));
            }
        }
        if (options.auth == AuthMethod.MD5) {
            // Roles created from now on get md5 hashes, which md5 authentication needs.
            settings.put("password_encryption", "md5");
        }
        settings.putAll(options.settings);
        StringBuilder conf = new StringBuilder("\n# Added by the pgagroal test harness\n");
        settings.forEach((name, value) -> conf.append(name).append(" = ").append(literal(value)).append('\n'));
        Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
    }

    /** A copy of {@code file} in the data directory that only PostgreSQL's user can read; its path. */
    private String privateCopy(Path file, String name) throws IOException {
        Path copy = dataDir.resolve(name);
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        Os.makePrivate(copy);
        return copy.toString();
    }

    private void startOnFreePort(int maxConnections) throws IOException {
        for (int attempt = 1; ; attempt++) {
            port = Ports.free();
            serverOptions = "-p " + port + " -k '" + baseDir + "' -c listen_addresses=" + HOST
                    + " -c fsync=off -c max_connections=" + maxConnections;
            ProcessResult result = postgresCommand(PgBinaries.tool("pg_ctl").toString(), "-w", "-t", "60",
                    "-D", dataDir.toString(), "-l", logFile.toString(), "-o", serverOptions, "start");
            if (result.succeeded()) {
                return;
            }
            String log = log();
            // Another process may have taken the port between Ports.free() and the bind.
            if (attempt < START_ATTEMPTS && log.contains("could not bind")) {
                continue;
            }
            throw new IllegalStateException("PostgreSQL did not start\n" + result.describe()
                    + "\n--- server log " + logFile + " ---\n" + log);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    public Path socketDir() {
        return baseDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public String superuserPassword() {
        return password;
    }

    /** A TCP endpoint of this server for the given credentials and database. */
    public Endpoint endpoint(String user, String password, String database) {
        return new Endpoint(HOST, port, user, password, database);
    }

    /** The superuser, with its password, over TCP, in the {@code postgres} database. */
    public Endpoint superuserEndpoint() {
        return endpoint(SUPERUSER, password, "postgres");
    }

    /** The server log so far, for diagnostics. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Runs SQL as the superuser over the Unix socket; fails on the first error. */
    public void execute(String sql) {
        Psql.script(socketEndpoint(), sql).orThrow();
    }

    /** Runs one query as the superuser and returns {@code psql -At} output, without the final newline. */
    public String query(String sql) {
        return Psql.query(socketEndpoint(), sql).orThrow().stdout().stripTrailing();
    }

    /**
     * Waits until a backend runs {@code query} (its exact text): a cancel sent earlier, while the
     * query is still on its way, finds nothing to cancel.
     */
    public void awaitRunning(String query) throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = " + literal(query);
        Eventually.await("a backend runs " + query, () -> query(sql).equals("1"));
    }

    public void createRole(String name, String password) {
        execute("CREATE ROLE " + identifier(name) + " LOGIN PASSWORD " + literal(password));
    }

    public void createDatabase(String name, String owner) {
        execute("CREATE DATABASE " + identifier(name) + " OWNER " + identifier(owner));
    }

    /** pg_ctl restart (fast): every session is cut, and the server is back on the same port. */
    public synchronized void restart() {
        ProcessResult result = postgresCommand(PgBinaries.tool("pg_ctl").toString(), "-w", "-t", "60", "-D", dataDir.toString(),
                "-l", logFile.toString(), "-m", "fast", "restart");
        if (!result.succeeded()) {
            throw new IllegalStateException("PostgreSQL did not restart\n" + result.describe() + "\n" + log());
        }
    }

    /** Stops the server (fast) and keeps its files, to {@link #resume} it later on the same port. */
    public synchronized void pause() {
        ProcessResult result = pgCtlStop("fast");
        if (!result.succeeded()) {
            throw new IllegalStateException("PostgreSQL did not stop\n" + result.describe());
        }
    }

    /** Starts a {@link #pause paused} server again. */
    public synchronized void resume() {
        ProcessResult result = postgresCommand(PgBinaries.tool("pg_ctl").toString(), "-w", "-t", "60",
                "-D", dataDir.toString(), "-l", logFile.toString(), "-o", serverOptions, "start");
        if (!result.succeeded()) {
            throw new IllegalStateException("PostgreSQL did not start again\n" + result.describe() + "\n" + log());
        }
    }

    /** Stops the server (fast shutdown: sessions are cut, no checkpoint wait) and deletes its files. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; stopping twice is harmless.
        }
        ProcessResult result = pgCtlStop("fast");
        if (!result.succeeded()) {
            result = pgCtlStop("immediate");
        }
        stopped = true;
        Os.deleteRecursively(baseDir);
        if (!result.succeeded()) {
            throw new IllegalStateException("PostgreSQL did not stop\n" + result.describe());
        }
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            pgCtlStop("immediate");
        }
        stopped = true;
        Os.deleteRecursively(baseDir);
    }

    private ProcessResult pgCtlStop(String mode) {
        return postgresCommand(PgBinaries.tool("pg_ctl").toString(), "-w", "-D", dataDir.toString(),
                "-m", mode, "stop");
    }

    private ProcessResult postgresCommand(String... command) {
        return Command.asPostgresUser(List.of(command)).directory(baseDir).run(COMMAND_TIMEOUT);
    }

    private Endpoint socketEndpoint() {
        return new Endpoint(baseDir.toString(), port, SUPERUSER, null, "postgres");
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
