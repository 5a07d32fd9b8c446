package io.pgagroal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.EventLoopGroup;
import io.pgagroal.net.Listeners;
import io.pgagroal.net.Transport;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.MainConfig;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.PipelineKind;
import io.pgagroal.config.Setting;
import io.pgagroal.pipeline.Pipeline;
import io.pgagroal.pool.Pool;
import io.pgagroal.security.ClientTls;
import io.pgagroal.security.Credentials;
import io.pgagroal.security.ServerTls;
import io.pgagroal.security.TlsProvider;
import io.pgagroal.server.Server;
import io.pgagroal.server.Servers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pooler's network side: event loops, pool, pipeline and listeners, started in that
 * order and stopped in reverse. {@link io.pgagroal.Pgagroal} is its public face.
 */
public final class Pooler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pooler.class);
    /** How often the pipeline's periodic operation runs (the seed's maintenance timer). */
    private static final Duration PERIODIC = Duration.ofSeconds(1);

    private final PoolState state;
    private final EventLoopGroup boss;
    private final Listeners listeners;
    private final int workerThreads;
    private final Shutdown shutdown;
    private final Flush flush;

    private Pooler(PoolState state, EventLoopGroup boss, Listeners listeners, int workerThreads) {
        this.state = state;
        this.boss = boss;
        this.listeners = listeners;
        this.workerThreads = workerThreads;
        this.shutdown = new Shutdown(state);
        this.flush = new Flush(state);
    }

    /** Starts the event loops (ev_backend, worker_threads), the pool and the listeners; returns once it listens. */
    public static Pooler start(PgagroalConfig config, Credentials credentials) throws IOException, ConfigException {
        Map<String, ServerTls> serverTls = ServerTls.forServers(config);
        ClientTls tls = ClientTls.load(config.main()).orElse(null);
        if (tls != null) {
            TlsProvider.logChoice();
        }
        Transport transport = Transport.select(config.main());
        int threads = transport.workerThreads(config.main());
        EventLoopGroup workers = transport.newGroup(threads, new DefaultThreadFactory("pgagroal-worker"));
        // a single worker loop accepts too: a new client is then registered where it was accepted, without a hop
        EventLoopGroup boss = threads == 1 ? workers : transport.newGroup(1, new DefaultThreadFactory("pgagroal-accept"));
        Flows flows = Flows.of(config);
        flows.pipeline().initialize();
        Pool<ServerConnection> pool = new Pool<>(config.main().maxConnections(), blockingTimeout(config), ServerConnection::terminate);
        pool.maxConnectionAge(config.main().maxConnectionAge());
        PoolState state = new PoolState(config, credentials, new Servers(config.servers()), pool, flows, transport, workers, serverTls);
        state.tls = tls;
        workers.scheduleAtFixedRate(flows.pipeline()::periodic, PERIODIC.toMillis(), PERIODIC.toMillis(), TimeUnit.MILLISECONDS);
        scheduleFrontendPasswordRotation(state);
        try {
            Listeners listeners = Listeners.bind(config.main(), transport, boss, workers, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    // here rather than as child options of the listener, so that a reload applies them
                    if (ch instanceof SocketChannel) {
                        MainConfig main = state.config.main();
                        ch.config().setOption(ChannelOption.TCP_NODELAY, main.nodelay());
                        ch.config().setOption(ChannelOption.SO_KEEPALIVE, main.keepAlive());
                    }
                    FrontendHandler.install(ch.pipeline(), state);
                }
            });
            Prefill prefill = new Prefill(state);
            if (prefill.active()) {
                pool.onRemoved(prefill::minimum);
                prefill.initial();
            }
            Maintenance.schedule(state, prefill);
            LOG.info("pgagroal started: {} pipeline, {} transport (ev_backend = {}), worker_threads {}, max_connections {}",
                    config.main().pipeline(), transport.configName(), config.main().rawValue(Setting.EV_BACKEND), threads,
                    config.main().maxConnections());
            return new Pooler(state, boss, listeners, threads);
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * blocking_timeout = 0 fails at once, except in the transaction pipeline, where clients wait for
     * a connection as long as it takes (upstream spins until one is free, and recommends 0 there):
     * clients outnumber connections by design, so a full pool is the normal state.
     */
    private static Duration blockingTimeout(PgagroalConfig config) {
        Duration timeout = config.main().blockingTimeout();
        return timeout.isZero() && config.main().pipeline() == PipelineKind.TRANSACTION ? Pool.NO_DEADLINE : timeout;
    }

    /**
     * rotate_frontend_password_timeout: every vault user gets a random frontend password at start and
     * a new one each period (only when no frontend users file gives them fixed ones).
     */
    private static void scheduleFrontendPasswordRotation(PoolState state) {
        long period = state.config.main().rotateFrontendPasswordTimeout().toMillis();
        if (period <= 0 || state.credentials.hasFrontendUsers()) {
            return;
        }
        state.credentials.rotateFrontendPasswords(state.config.main().rotateFrontendPasswordLength());
        state.workers.scheduleAtFixedRate(() -> {
            state.credentials.rotateFrontendPasswords(state.config.main().rotateFrontendPasswordLength());
            LOG.info("Frontend passwords rotated");
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** The configuration in force (the last one a reload installed). */
    public PgagroalConfig config() {
        return state.config;
    }

    /** The passwords in force. */
    /** The TLS context new clients get, empty with tls = off. */
    public Optional<ClientTls> clientTls() {
        return Optional.ofNullable(state.tls);
    }

    public Credentials credentials() {
        return state.credentials;
    }

    /**
     * Makes a reloaded configuration and its passwords the ones new clients see: HBA, limits, users,
     * timeouts, and the TLS certificates, read again. Sessions keep running with what they were
     * admitted with (a TLS session keeps its handshake's certificate). Rotated frontend passwords of
     * users still in the vault are kept.
     *
     * @throws ConfigException when the TLS files cannot be used; nothing changes then
     */
    public void reconfigure(PgagroalConfig config, Credentials credentials) throws ConfigException {
        ClientTls tls = ClientTls.load(config.main()).orElse(null);
        if (tls != null && state.tls == null) {
            TlsProvider.logChoice();
        }
        state.tls = tls;
        credentials.keepRotated(state.credentials, config.main().rotateFrontendPasswordLength());
        state.install(config, credentials);
        state.pool.blockingTimeout(blockingTimeout(config));
        state.pool.maxConnectionAge(config.main().maxConnectionAge());
    }

    public int port() {
        return listeners.port();
    }

    /** The transport of every event loop of this pooler (ev_backend). */
    public Transport transport() {
        return state.transport;
    }

    /** The event loops serving clients and server connections (worker_threads). */
    public int workerThreads() {
        return workerThreads;
    }

    public Path unixSocket() {
        return listeners.unixSocket();
    }

    public Pool<?> pool() {
        return state.pool;
    }

    public Pipeline pipeline() {
        return state.pipeline;
    }

    /** Every live client session. */
    public SessionRegistry sessions() {
        return state.registry;
    }

    /**
     * Refuses new clients and runs {@code stop} once every session has ended (in the transaction
     * pipeline, each at the end of its transaction), or after {@code timeout}. {@code stop} runs on
     * an event loop and must close the pooler from another thread.
     *
     * @param timeout null for none
     * @return false when a shutdown is under way already
     */
    public boolean shutdownGracefully(Duration timeout, Runnable stop) {
        state.pause.end();
        return shutdown.gracefully(timeout, stop);
    }

    /** Ends a graceful shutdown under way: clients are admitted again. */
    public boolean cancelShutdown() {
        return shutdown.cancel();
    }

    /** Closes idle connections of {@code database} (or {@code *}), and handed-out ones as {@code mode} says. */
    public int flush(FlushMode mode, String database) {
        return flush.flush(mode, database);
    }

    /** New clients of {@code database} (or of every database, {@code *}) are refused. */
    public void disableDatabase(String database) {
        state.disabled.disable(database);
    }

    /** New clients of {@code database} (or of every database, {@code *}) are admitted again. */
    public void enableDatabase(String database) {
        state.disabled.enable(database);
    }

    /** The disabled databases: {@code *} alone when every database is, else their names. */
    public List<String> disabledDatabases() {
        return state.disabled.names();
    }

    /** New server connections and transactions of {@code database} (or of every database, {@code *}) wait. */
    public void pause(String database) {
        state.pause.pause(database);
    }

    /**
     * What waits for {@code database} (or for every database, {@code *}) goes on.
     *
     * @return how many waiting requests were released
     */
    public int resume(String database) {
        return state.pause.resume(database);
    }

    /**
     * switch-to: {@code name} becomes the primary, the old one FAILED and its connections flushed
     * (idle ones closed, those handed out closed when given back); with no old primary, every
     * connection is flushed so.
     *
     * @throws IllegalArgumentException when no server section has this name
     */
    public void switchTo(String name) {
        Optional<Server> old = state.servers.switchTo(name);
        if (old.isEmpty()) {
            LOG.info("Switch-to: {} is the primary now", name);
            flush.flush(FlushMode.GRACEFULLY, "*");
        } else if (!old.get().name().equals(name)) {
            LOG.info("Switch-to: {} is the primary now; {} is failed", name, old.get().name());
            flush.server(old.get());
        }
    }

    /** The server connections open or being opened now. */
    public List<ServerConnectionInfo> serverConnections() {
        return ServerConnectionInfo.of(state);
    }

    /** The paused databases: {@code *} alone when every database is, else their names. */
    public List<String> pausedDatabases() {
        return state.pause.names();
    }

    /** Whether new clients are refused because a shutdown is under way. */
    public boolean shuttingDown() {
        return state.shuttingDown;
    }

    /** The configured servers and their states. */
    public Servers servers() {
        return state.servers;
    }

    /**
     * Stops accepting, ends every session with FATAL 57P01, sends Terminate to every server
     * connection, closes every client.
     */
    @Override
    public void close() {
        state.shuttingDown = true;
        listeners.close();
        try {
            shutdown.immediately();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state.pool.close();
        state.pipeline.destroy();
        if (boss != state.workers) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        state.workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        LOG.info("pgagroal stopped");
    }
}
