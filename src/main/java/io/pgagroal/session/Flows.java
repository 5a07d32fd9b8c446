package io.pgagroal.session;

import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.pipeline.PerformancePipeline;
import io.pgagroal.pipeline.Pipeline;
import io.pgagroal.pipeline.RelayPipeline;
import io.pgagroal.pipeline.SessionPipeline;
import io.pgagroal.pipeline.TransactionPipeline;
import java.util.function.Function;

/**
 * The configured pipeline and the flow its family runs for each session, chosen once when the
 * pooler starts, so nothing downstream asks which pipeline it has.
 */
record Flows(Pipeline pipeline, Function<Session, Flow> factory) {

    static Flows of(PgagroalConfig config) {
        return switch (config.main().pipeline()) {
            case PERFORMANCE -> sessionFamily(new PerformancePipeline());
            case SESSION -> sessionFamily(new SessionPipeline());
            case TRANSACTION -> {
                TransactionPipeline pipeline = new TransactionPipeline(config.main().maxPreparedStatements(),
                        config.main().trackPreparedStatements(), config.main().transactionPinning());
                yield new Flows(pipeline, session -> new TransactionFlow(session, pipeline));
            }
        };
    }

    private static Flows sessionFamily(RelayPipeline pipeline) {
        return new Flows(pipeline, session -> new SessionFlow(session, pipeline));
    }

    /** Whether sessions hold a server connection per transaction, not for their whole life. */
    boolean perTransaction() {
        return pipeline instanceof TransactionPipeline;
    }

    Flow open(Session session) {
        return factory.apply(session);
    }
}
