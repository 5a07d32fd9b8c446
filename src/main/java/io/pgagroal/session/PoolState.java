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
import io.pgagroal.security.Credentials;
import io.pgagroal.security.HbaMatcher;
import io.pgagroal.server.Servers;

/**
 * What every session shares, the seed's shared-memory segment: the configuration snapshot, the
 * known passwords, the servers, the slot table and the pipeline, plus the transport to open server
 * connections with.
 */
final class PoolState {

    final PgagroalConfig config;
    final HbaMatcher hba;
    final Servers servers;
    final Pool<ServerConnection> pool;
    final Pipeline pipeline;
    final Flows flows;
    final SessionRegistry registry = new SessionRegistry();
    final DisabledDatabases disabled = new DisabledDatabases();
    final Transport transport;
    final EventLoopGroup workers;
    final Credentials credentials;
    volatile boolean shuttingDown;

    PoolState(PgagroalConfig config, Credentials credentials, Servers servers, Pool<ServerConnection> pool, Flows flows, Transport transport,
            EventLoopGroup workers) {
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

    /** Opens a connection to a PostgreSQL server on {@code loop}. */
    ChannelFuture connect(ServerConfig server, EventLoop loop, ChannelHandler handler) {
        return ServerConnector.connect(transport, config.main(), server, loop, handler);
    }
}
