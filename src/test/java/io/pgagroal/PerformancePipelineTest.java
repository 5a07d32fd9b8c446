package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real clients through the performance pipeline, PostgreSQL asking for SCRAM. */
class PerformancePipelineTest extends ClientCompatibilityTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.SCRAM)
            .configure(b -> b.set("pipeline", "performance"));

    PerformancePipelineTest() {
        super(PG);
    }
}
