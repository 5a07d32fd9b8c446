package io.pgagroal;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.session.Pooler;
import io.pgagroal.session.SessionRegistry;
import io.pgagroal.security.Credentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running pgagroal, embeddable in any JVM program: start it from a programmatic configuration
 * ({@link PgagroalConfig#builder()}) or from pgagroal's configuration files, and close it to stop.
 * The daemon ({@link Main}) is a thin command line around this class.
 *
 * <pre>{@code
 * try (Pgagroal pooler = Pgagroal.start(PgagroalConfig.builder()
 *         .set("host", "127.0.0.1").set("port", "6432").set("unix_socket_dir", "/tmp")
 *         .server("primary", "127.0.0.1", 5432)
 *         .hba("host all all all trust")
 *         .build())) {
 *     // jdbc:postgresql://127.0.0.1:6432/mydb
 * }
 * }</pre>
 */
public final class Pgagroal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pgagroal.class);

    private final Pooler pooler;
    private final PgagroalConfig config;
    private final Credentials credentials;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pgagroal(Pooler pooler, PgagroalConfig config, Credentials credentials) {
        this.pooler = pooler;
        this.config = config;
        this.credentials = credentials;
    }

    /**
     * Starts a pooler with one event loop per available processor; returns once it listens. The
     * configuration's warnings are logged first.
     */
    public static Pgagroal start(PgagroalConfig config) throws IOException, ConfigException {
        return start(config, Credentials.NONE);
    }

    /**
     * Starts a pooler that knows these passwords (users vault, frontend users, auth_query superuser);
     * the configuration should have been validated with {@link Credentials#knownUsers()}.
     */
    public static Pgagroal start(PgagroalConfig config, Credentials credentials) throws IOException, ConfigException {
        config.requireSupported();
        config.warnings().forEach(LOG::warn);
        return new Pgagroal(Pooler.start(config, credentials, Runtime.getRuntime().availableProcessors()), config, credentials);
    }

    /** Loads the configuration files (users-type files decrypted with the master key) and starts a pooler. */
    public static Pgagroal start(ConfigPaths paths) throws IOException, ConfigException {
        Credentials credentials = Credentials.load(paths);
        return start(PgagroalConfig.load(paths, credentials.knownUsers()), credentials);
    }

    public PgagroalConfig config() {
        return config;
    }

    /** The TCP port clients connect to. */
    public int port() {
        return pooler.port();
    }

    /** The Unix socket clients may connect to ({@code <unix_socket_dir>/.s.PGSQL.<port>}). */
    public Path unixSocket() {
        return pooler.unixSocket();
    }

    /**
     * The frontend password a client of this user must present now (frontend users file, or the
     * current rotated password), as pgagroal's management GET_PASSWORD reports it.
     */
    public Optional<String> frontendPassword(String user) {
        return credentials.frontendPassword(user);
    }

    /** Every live client session, with the operations that end one. */
    public SessionRegistry sessions() {
        return pooler.sessions();
    }

    /** Server connections handed out to clients now. */
    public int activeConnections() {
        return pooler.pool().activeConnections();
    }

    /** Server connections open or being opened now. */
    public int totalConnections() {
        return pooler.pool().totalConnections();
    }

    /**
     * Stops listening, sends Terminate to every server connection and closes every client. Only the
     * first call does anything.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pooler.close();
        }
    }
}
