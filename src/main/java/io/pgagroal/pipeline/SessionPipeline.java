package io.pgagroal.pipeline;

/**
 * The performance pipeline plus counters of queries, transactions and bytes for the metrics. TLS,
 * failover and disconnect_client build on this pipeline.
 */
public final class SessionPipeline extends RelayPipeline {

    private final PipelineStatistics statistics = new PipelineStatistics();

    @Override
    public RelayState newState() {
        return new ScannedState(statistics);
    }

    public PipelineStatistics statistics() {
        return statistics;
    }
}
