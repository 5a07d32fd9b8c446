package io.pgagroal.pipeline;

/** The fastest pipeline: relays bytes and watches only for Terminate and FATAL. Counts nothing. */
public final class PerformancePipeline extends RelayPipeline {

    @Override
    public RelayState newState() {
        return new ScannedState(null);
    }
}
