package io.pgagroal;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.ConfigReload;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.management.ManagementServer;
import io.pgagroal.management.RemoteManagementServer;
import io.pgagroal.net.Transport;
import io.pgagroal.server.Server;
import io.pgagroal.session.FlushMode;
import io.pgagroal.session.Pooler;
import io.pgagroal.session.ServerConnectionInfo;
import io.pgagroal.session.SessionRegistry;
import io.pgagroal.security.ClientTls;
import io.pgagroal.security.Credentials;
import io.pgagroal.security.ScramVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Object reloading = new Object();
    private volatile Consumer<PgagroalConfig> afterReload = config -> { };
    private volatile ManagementServer management;
    private volatile RemoteManagementServer remoteManagement;

    private Pgagroal(Pooler pooler) {
        this.pooler = pooler;
    }

    /**
     * Starts a pooler with the event loops of ev_backend and worker_threads; returns once it listens.
     * The configuration's warnings are logged first.
     */
    public static Pgagroal start(PgagroalConfig config) throws IOException, ConfigException {
        return start(config, Credentials.NONE);
    }

    /**
     * Starts a pooler that knows these passwords (users vault, frontend users, auth_query superuser);
     * the configuration should have been validated with {@link Credentials#knownUsers()}.
     */
    public static Pgagroal start(PgagroalConfig config, Credentials credentials) throws IOException, ConfigException {
        requireStartable(config);
        config.warnings().forEach(LOG::warn);
        Pgagroal pgagroal = new Pgagroal(Pooler.start(config, credentials));
        try {
            pgagroal.management = ManagementServer.start(config.main().unixSocketDir(), pgagroal);
            if (config.main().management() > 0) {
                pgagroal.remoteManagement = RemoteManagementServer.start(pgagroal);
            }
        } catch (IOException | RuntimeException e) {
            pgagroal.close();
            throw e;
        }
        return pgagroal;
    }

    /**
     * Fails, as {@code file:line: key: problem}, with the first key a pooler cannot start with: a
     * feature not supported yet ({@link PgagroalConfig#requireSupported()}), an ev_backend that
     * cannot run on this machine, or worker_threads that it cannot run. Start, reload and {@code conf
     * set} check it.
     */
    public static void requireStartable(PgagroalConfig config) throws ConfigException {
        config.requireSupported();
        Transport.select(config.main()).workerThreads(config.main());
    }

    /** Loads the configuration files (users-type files decrypted with the master key) and starts a pooler. */
    public static Pgagroal start(ConfigPaths paths) throws IOException, ConfigException {
        Credentials credentials = Credentials.load(paths);
        return start(PgagroalConfig.load(paths, credentials.knownUsers()), credentials);
    }

    /** The configuration in force: the one started with, or the last one a reload installed. */
    public PgagroalConfig config() {
        return pooler.config();
    }

    /**
     * Reads every file this pooler was started from again (pgagroal.conf, HBA, databases, users,
     * frontend users, admins, superuser) and, when they are all valid, puts them in force at once for
     * new clients; sessions keep running. Restart-only keys that changed keep their running value and
     * are reported. A broken file changes nothing and is reported as {@code file:line: key: problem}.
     * A pooler started from a {@link PgagroalConfig} built in code has no files: this reports that, and
     * {@link #reload(PgagroalConfig)} is the way to change it. Never throws, never stops the pooler.
     */
    public ReloadReport reload() {
        synchronized (reloading) {
            PgagroalConfig running = pooler.config();
            ConfigPaths paths = running.paths();
            if (paths == null) {
                return failed("this pooler was started from a configuration built in code, not from files: nothing to reload;"
                        + " call reload(PgagroalConfig) with a new configuration");
            }
            try {
                Credentials credentials = Credentials.load(paths);
                return apply(running, PgagroalConfig.load(paths, credentials.knownUsers()), credentials);
            } catch (ConfigException e) {
                return failed(e.getMessage());
            }
        }
    }

    /**
     * Puts a configuration built in code in force, as {@link #reload()} does with files (the known
     * passwords stay those the pooler was started with). Only for a pooler started from a
     * configuration built in code; one started from files reloads them.
     */
    public ReloadReport reload(PgagroalConfig next) {
        synchronized (reloading) {
            PgagroalConfig running = pooler.config();
            if (running.paths() != null) {
                return failed("this pooler was started from files: edit them and call reload()");
            }
            try {
                return apply(running, next, pooler.credentials());
            } catch (ConfigException e) {
                return failed(e.getMessage());
            }
        }
    }

    /**
     * Management's {@code conf set}: one {@code [pgagroal]} key of the running configuration set to
     * {@code value}, validated with everything else. A reloadable key is put in force as a reload
     * would ({@link ReloadReport#applied()} names it when its value changed); a restart-only key whose
     * value would change is reported in {@link ReloadReport#restartRequired()} and nothing changes.
     * The files are not written: a later reload from files brings their values back.
     */
    public ReloadReport set(String key, String value) {
        synchronized (reloading) {
            PgagroalConfig running = pooler.config();
            Credentials credentials = pooler.credentials();
            try {
                PgagroalConfig candidate = running.with(key, value, credentials.knownUsers());
                requireStartable(candidate);
                List<String> restart = ConfigReload.of(running, candidate, credentials.knownUsers()).restartRequired();
                if (!restart.isEmpty()) {
                    LOG.warn("Configuration: {} = {} requires a restart; nothing changed", key, value);
                    return ReloadReport.reloaded(List.of(), restart);
                }
                return apply(running, candidate, credentials);
            } catch (ConfigException e) {
                LOG.error("Configuration: {} = {} refused, nothing changed: {}", key, value, e.getMessage());
                return ReloadReport.failed(e.getMessage());
            }
        }
    }

    /** Runs {@code action} with the new configuration after each successful reload (the daemon re-applies logging). */
    void afterReload(Consumer<PgagroalConfig> action) {
        afterReload = action;
    }

    private ReloadReport apply(PgagroalConfig running, PgagroalConfig candidate, Credentials credentials)
            throws ConfigException {
        requireStartable(candidate);
        ConfigReload change = ConfigReload.of(running, candidate, credentials.knownUsers());
        pooler.reconfigure(change.config(), credentials);
        change.config().warnings().forEach(LOG::warn);
        change.restartRequired().forEach(key -> LOG.warn("Reload: {} changed, which requires a restart; the running value is kept", key));
        LOG.info("Configuration reloaded: {}", change.applied().isEmpty() ? "nothing to apply" : "applied " + String.join(", ", change.applied()));
        try {
            afterReload.accept(change.config());
        } catch (RuntimeException e) {
            LOG.error("Reload: {}", e.getMessage());
        }
        return ReloadReport.reloaded(change.applied(), change.restartRequired());
    }

    private static ReloadReport failed(String error) {
        LOG.error("Reload failed, the running configuration is kept: {}", error);
        return ReloadReport.failed(error);
    }

    /** The TCP port clients connect to. */
    public int port() {
        return pooler.port();
    }

    /** The I/O transport of every event loop, from ev_backend. */
    public Transport transport() {
        return pooler.transport();
    }

    /** How many event loops serve clients and server connections, from worker_threads. */
    public int workerThreads() {
        return pooler.workerThreads();
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
        return pooler.credentials().frontendPassword(user);
    }

    /** What a remote-management login of this admin (pgagroal_admins.conf) is checked against, if it is one. */
    public Optional<ScramVerifier> adminVerifier(String admin) {
        return pooler.credentials().adminVerifier(admin);
    }

    /** The TLS context clients get now (tls = on), the one of the last reload; empty with tls = off. */
    public Optional<ClientTls> clientTls() {
        return pooler.clientTls();
    }

    /** The management socket ({@code <unix_socket_dir>/.s.pgagroal}) pgagroal-cli talks to. */
    public Path managementSocket() {
        return management.socket();
    }

    /** Whether new clients are refused because a shutdown is under way (management STATUS). */
    public boolean shuttingDown() {
        return pooler.shuttingDown();
    }

    /** The disabled databases: {@code *} alone when every database is, else their names. */
    public List<String> disabledDatabases() {
        return pooler.disabledDatabases();
    }

    /** The configured servers and their states now. */
    public List<Server> servers() {
        return pooler.servers().all();
    }

    /**
     * Server connections held or being opened for this user and real database, {@code all} matching
     * every name (a limit entry's count).
     */
    public int connections(String user, String database) {
        return pooler.pool().connectionsMatching(user, database);
    }

    /** Every live client session, with the operations that end one. */
    public SessionRegistry sessions() {
        return pooler.sessions();
    }

    /** The server connections open or being opened now, slot by slot. */
    public List<ServerConnectionInfo> serverConnections() {
        return pooler.serverConnections();
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
     * Graceful shutdown ({@code pgagroal-cli shutdown gracefully}, SIGTRAP): new clients are refused
     * with FATAL 57P03 "the pooler is shutting down"; sessions run on until their clients leave (in
     * the transaction pipeline, each until the end of its current transaction, when it is sent FATAL
     * 57P01); then the pooler closes. A second call while one is under way changes nothing.
     *
     * @return {@link #stopped()}
     */
    public CompletableFuture<Void> shutdownGracefully() {
        return shutdownGracefully(null);
    }

    /**
     * A graceful shutdown that turns into an immediate one ({@link #close()}) if sessions are still
     * running after {@code timeout}.
     *
     * @param timeout null to wait as long as sessions run
     * @return {@link #stopped()}
     */
    public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
        if (!closed.get()) {
            pooler.shutdownGracefully(timeout, () -> Thread.ofPlatform().name("pgagroal-shutdown").start(this::close));
        }
        return stopped;
    }

    /**
     * {@code pgagroal-cli shutdown cancel}: clients are admitted again and sessions keep running.
     *
     * @return false when no graceful shutdown was under way
     */
    public boolean cancelShutdown() {
        return !closed.get() && pooler.cancelShutdown();
    }

    /** Completes once the pooler has stopped, however it was stopped. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * {@code pgagroal-cli flush [mode] [database]}: closes the idle connections to {@code database}
     * ({@code *} for all) with Terminate; with {@link FlushMode#GRACEFULLY} those handed out are
     * closed when given back, with {@link FlushMode#ALL} they are closed now and their sessions end
     * with FATAL 57P01. The prefill then opens connections up to min_size again.
     *
     * @return how many connections were closed, or marked to close when given back
     */
    public int flush(FlushMode mode, String database) {
        return pooler.flush(mode, database);
    }

    /**
     * {@code pgagroal-cli disable [database]}: new clients of {@code database} ({@code *} for all)
     * are refused with FATAL 55000 "database ... is disabled"; sessions already running are not
     * touched.
     */
    public void disableDatabase(String database) {
        pooler.disableDatabase(database);
    }

    /** {@code pgagroal-cli enable [database]}: new clients of {@code database} ({@code *} for all) are admitted again. */
    public void enableDatabase(String database) {
        pooler.enableDatabase(database);
    }

    /**
     * {@code pgagroal-cli switch-to <server>}: the named server becomes PRIMARY and new server
     * connections go to it; the server they went to until now becomes FAILED (until {@code clear
     * server}) and its connections are flushed: idle ones closed, those handed out closed when their
     * clients give them back (at the end of the transaction in the transaction pipeline, of the
     * session in the others).
     *
     * @throws IllegalArgumentException when no server section has this name
     */
    public void switchTo(String server) {
        pooler.switchTo(server);
    }

    /**
     * {@code pgagroal-cli pause [database]} (ours): new server connections to {@code database}
     * ({@code *} for all) wait until it is resumed, without error and without blocking_timeout
     * counting: in the transaction pipeline each transaction that starts, in the other pipelines each
     * new session. Transactions (transaction pipeline) and sessions (others) holding a connection run
     * on. A graceful shutdown ends every pause; an immediate one ends the waiting sessions as any other.
     */
    public void pause(String database) {
        pooler.pause(database);
    }

    /**
     * {@code pgagroal-cli resume [database]} (ours): what waits for {@code database} ({@code *} for
     * all) goes on.
     *
     * @return how many waiting requests were released
     * @throws IllegalArgumentException for one database while every database is paused
     */
    public int resume(String database) {
        return pooler.resume(database);
    }

    /** The paused databases: {@code *} alone when every database is, else their names. */
    public List<String> pausedDatabases() {
        return pooler.pausedDatabases();
    }

    /**
     * {@code pgagroal-cli clear server <name>}: a FAILED server may be chosen again (its state becomes
     * NOTINIT).
     *
     * @return false when the server was not FAILED
     * @throws IllegalArgumentException when no server section has this name
     */
    public boolean clearServer(String name) {
        return pooler.servers().clear(name);
    }

    /**
     * Immediate shutdown ({@code pgagroal-cli shutdown immediate}, SIGTERM, SIGINT): stops listening,
     * ends every session with FATAL 57P01 "terminating connection due to administrator command",
     * sends Terminate to every server connection and closes every client. Only the first call does
     * anything; a call while another thread closes the pooler returns once it has stopped.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                if (remoteManagement != null) {
                    remoteManagement.close();
                }
                if (management != null) {
                    management.close();
                }
                pooler.close();
            } finally {
                stopped.complete(null);
            }
        } else {
            stopped.join();
        }
    }
}
