package io.pgagroal.net;

import io.netty.channel.EventLoopGroup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    final Pool pool;
    final Pipeline pipeline;
    final Transport transport;
    final EventLoopGroup workers;
    final Credentials credentials;
    volatile boolean shuttingDown;
    /** Transaction pipeline: sessions by the BackendKeyData the pooler gave their clients. */
    final Map<Long, Session> sessions = new ConcurrentHashMap<>();

    PoolState(PgagroalConfig config, Credentials credentials, Servers servers, Pool pool, Pipeline pipeline, Transport transport,
            EventLoopGroup workers) {
        this.credentials = credentials;
        this.config = config;
        this.hba = new HbaMatcher(config.hba());
        this.servers = servers;
        this.pool = pool;
        this.pipeline = pipeline;
        this.transport = transport;
        this.workers = workers;
    }
}
