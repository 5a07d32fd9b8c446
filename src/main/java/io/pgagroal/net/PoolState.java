package io.pgagroal.net;

import io.netty.channel.EventLoopGroup;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.pipeline.Pipeline;
import io.pgagroal.pool.Pool;
import io.pgagroal.server.Servers;

/**
 * What every session shares, the seed's shared-memory segment: the configuration snapshot, the
 * servers, the slot table and the pipeline, plus the transport to open server connections with.
 */
final class PoolState {

    final PgagroalConfig config;
    final Servers servers;
    final Pool pool;
    final Pipeline pipeline;
    final Transport transport;
    final EventLoopGroup workers;
    volatile boolean shuttingDown;

    PoolState(PgagroalConfig config, Servers servers, Pool pool, Pipeline pipeline, Transport transport, EventLoopGroup workers) {
        this.config = config;
        this.servers = servers;
        this.pool = pool;
        this.pipeline = pipeline;
        this.transport = transport;
        this.workers = workers;
    }
}
