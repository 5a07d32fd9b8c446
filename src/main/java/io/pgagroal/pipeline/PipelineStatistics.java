package io.pgagroal.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the session pipeline (pgagroal_query_count, pgagroal_tx_count,
 * pgagroal_network_sent / _received). LongAdder keeps concurrent sessions from contending.
 */
public final class PipelineStatistics {

    final LongAdder queries = new LongAdder();
    final LongAdder transactions = new LongAdder();
    final LongAdder bytesToServer = new LongAdder();
    final LongAdder bytesToClient = new LongAdder();

    public long queries() {
        return queries.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    public long bytesToServer() {
        return bytesToServer.sum();
    }

    public long bytesToClient() {
        return bytesToClient.sum();
    }
}
