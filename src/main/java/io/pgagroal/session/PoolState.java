package io.pgagroal.session;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.net.ServerConnector;
import io.pgagroal.net.Transport;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.pipeline.Pipeline;
import io.pgagroal.pool.Pool;
import io.pgagroal.security.ClientTls;
import io.pgagroal.security.Credentials;
import io.pgagroal.security.HbaMatcher;
import io.pgagroal.security.ServerTls;
import io.pgagroal.server.Servers;
import java.util.Map;

/**
 * What every session shares, the seed's shared-memory segment: the configuration snapshot, the
 * known passwords, the servers, the slot table and the pipeline, plus the transport to open server
 * connections with.
 *
 * <p>The configuration, the HBA matcher and the passwords are one snapshot that a reload replaces
 * ({@link #install}); read them at the moment they are needed, never copy them into a field. Each is
 * a validated whole; a decision that reads several (admission) may, during the instant of a swap,
 * combine the old one of one with the new one of another, as a client arriving a moment earlier or
 * later would.
 */
final class PoolState {

    volatile PgagroalConfig config;
    volatile HbaMatcher hba;
    final Servers servers;
    final Pool<ServerConnection> pool;
    final Pipeline pipeline;
    final Flows flows;
    final SessionRegistry registry = new SessionRegistry();
    final DisabledDatabases disabled = new DisabledDatabases();
    final Pause pause = new Pause();
    final Transport transport;
    final EventLoopGroup workers;
    /** TLS to each server by name; none for a server with tls_mode = disable. */
    final Map<String, ServerTls> serverTls;
    volatile Credentials credentials;
    /** The TLS context new clients get; null when tls = off. Replaced by a reload. */
    volatile ClientTls tls;
    volatile boolean shuttingDown;

    PoolState(PgagroalConfig config, Credentials credentials, Servers servers, Pool<ServerConnection> pool, Flows flows, Transport transport,
            EventLoopGroup workers, Map<String, ServerTls> serverTls) {
        this.serverTls = serverTls;
        this.credentials = credentials;
        this.config = config;
        this.hba = new HbaMatcher(config.hba());
        this.servers = servers;
        this.pool = pool;
        this.flows = flows;
        this.pipeline = flows.pipeline();
        this.transport = transport;
        this.workers = workers;
    }

    /** Makes a reloaded configuration and its passwords the ones new clients see. */
    void install(PgagroalConfig next, Credentials nextCredentials) {
        credentials = nextCredentials;
        hba = new HbaMatcher(next.hba());
        config = next;
    }

    /** Opens a connection to a PostgreSQL server on {@code loop}, over TLS when its tls_mode asks for it. */
    ChannelFuture connect(ServerConfig server, EventLoop loop, ChannelHandler handler) {
        return ServerConnector.connect(transport, config.main(), server, serverTls.get(server.name()), loop, handler);
    }
}
