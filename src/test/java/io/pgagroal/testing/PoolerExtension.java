package io.pgagroal.testing;

import io.pgagroal.Pgagroal;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.security.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL cluster (with the chosen pg_hba method) and a pgagroal in front of it, started
 * once per test class and stopped after it. The cluster has a role {@value #USER} with password
 * {@value #PASSWORD} owning database {@value #DATABASE}. The pooler listens on 127.0.0.1 and on a
 * Unix socket in a temporary directory, with {@code host all all all trust} unless {@link #hba}
 * says otherwise; {@link #restartPooler} starts it again with other settings.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5)
 *         .configure(b -> b.set("pipeline", "session"));
 * }</pre>
 */
public final class PoolerExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String USER = "app";
    public static final String PASSWORD = "app-secret";
    public static final String DATABASE = "appdb";
    /** A users vault that knows the test user's password, so the pooler can log in by itself. */
    public static final Credentials VAULT = new Credentials(Map.of(USER, PASSWORD), Map.of(), null, null);

    private final PostgresServer.AuthMethod auth;
    private Consumer<PostgresServer.Builder> postgresOptions = b -> { };
    private Consumer<PgagroalConfig.Builder> poolerOptions = b -> { };
    private List<String> hba = List.of("host all all all trust");
    private Credentials credentials = Credentials.NONE;
    private PostgresServer postgres;
    private Pgagroal pooler;
    private Path socketDir;

    private PoolerExtension(PostgresServer.AuthMethod auth) {
        this.auth = auth;
    }

    public static PoolerExtension auth(PostgresServer.AuthMethod auth) {
        return new PoolerExtension(auth);
    }

    /** Settings for the pooler, applied over the defaults of {@link #baseConfig}. */
    public PoolerExtension configure(Consumer<PgagroalConfig.Builder> options) {
        this.poolerOptions = options;
        return this;
    }

    /** The pooler's pgagroal_hba.conf lines, instead of {@code host all all all trust}. */
    public PoolerExtension hba(String... lines) {
        this.hba = List.of(lines);
        return this;
    }

    /** Options for the PostgreSQL cluster. */
    public PoolerExtension postgresOptions(Consumer<PostgresServer.Builder> options) {
        this.postgresOptions = options;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        PostgresServer.Builder builder = PostgresServer.builder().auth(auth);
        postgresOptions.accept(builder);
        postgres = builder.start();
        postgres.createRole(USER, PASSWORD);
        postgres.createDatabase(DATABASE, USER);
        socketDir = Files.createTempDirectory("pgagroal-sock");
        startPooler(poolerOptions);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (pooler != null) {
                pooler.close();
            }
        } finally {
            if (postgres != null) {
                postgres.stop();
            }
            if (socketDir != null) {
                Files.deleteIfExists(socketDir);
            }
        }
    }

    /** Stops the pooler and starts a new one with these settings over the defaults. */
    public void restartPooler(Consumer<PgagroalConfig.Builder> options) throws ConfigException {
        if (pooler != null) {
            pooler.close();
            pooler = null;
        }
        startPooler(options);
    }

    /**
     * Stops the pooler and starts a new one that knows these passwords and uses these
     * pgagroal_hba.conf lines, with the extension's settings plus {@code options}.
     */
    public void restartPooler(Credentials known, Consumer<PgagroalConfig.Builder> options, String... hbaLines) throws ConfigException {
        this.credentials = known;
        this.hba = List.of(hbaLines);
        restartPooler(poolerOptions.andThen(options));
    }

    /**
     * Stops the pooler and starts a new one in {@code pipeline} that logs in by itself with {@link #VAULT}
     * (allow_unknown_users = off, as the transaction pipeline needs), with these settings and pgagroal_hba.conf lines.
     */
    public void restartWithVault(String pipeline, Consumer<PgagroalConfig.Builder> options, String... hbaLines) throws ConfigException {
        restartPooler(VAULT, b -> {
            b.set("pipeline", pipeline).set("allow_unknown_users", "off");
            options.accept(b);
        }, hbaLines);
    }

    private void startPooler(Consumer<PgagroalConfig.Builder> options) throws ConfigException {
        PgagroalConfig.Builder builder = baseConfig().users(credentials.knownUsers());
        options.accept(builder);
        try {
            pooler = Pgagroal.start(builder.build(), credentials);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The defaults every test starts from: a small pool, short timeouts, trust at the pooler, and two
     * worker event loops whatever the machine, so that connections move between loops in every test.
     */
    public PgagroalConfig.Builder baseConfig() {
        PgagroalConfig.Builder builder = PgagroalConfig.builder()
                .set("host", "127.0.0.1")
                .set("port", Integer.toString(Ports.free()))
                .set("unix_socket_dir", socketDir.toString())
                .set("worker_threads", "2")
                .set("max_connections", "10")
                .set("blocking_timeout", "5")
                .set("authentication_timeout", "5")
                .server("primary", postgres.host(), postgres.port());
        hba.forEach(builder::hba);
        return builder;
    }

    /**
     * Waits until no server connection is handed out: a client's connection goes back to the pool
     * only after its reset (DISCARD ALL) completed, shortly after the client left.
     */
    public void awaitIdle() throws InterruptedException {
        awaitIdle(pooler);
    }

    /** {@link #awaitIdle()} for a pooler a test started itself; gives up after 2 s without failing. */
    public static void awaitIdle(Pgagroal pooler) throws InterruptedException {
        for (int i = 0; i < 100 && pooler.activeConnections() > 0; i++) {
            Thread.sleep(20);
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public Pgagroal pooler() {
        return pooler;
    }

    /** The pooler over TCP, as the application role. */
    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", pooler.port(), USER, PASSWORD, DATABASE);
    }

    /** The pooler over its Unix socket, as the application role. */
    public Endpoint unixEndpoint() {
        return new Endpoint(socketDir.toString(), pooler.port(), USER, PASSWORD, DATABASE);
    }

    /** Runs {@code sql} through the pooler as the application role, in the test database (set-up: tables, TRUNCATE). */
    public void execute(String sql) throws SQLException {
        try (Connection connection = connect()) {
            connection.createStatement().execute(sql);
        }
    }

    /** A pgJDBC connection through the pooler as the application role. */
    public Connection connect() throws SQLException {
        return connect(USER, PASSWORD, new Properties());
    }

    /** A pgJDBC connection through the pooler with extra connection properties. */
    public Connection connect(String user, String password, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(extra);
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(endpoint().jdbcUrl(), properties);
    }
}
