package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real clients through the session pipeline, PostgreSQL asking for MD5. */
class SessionPipelineTest extends ClientCompatibilityTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5)
            .configure(b -> b.set("pipeline", "session"));

    SessionPipelineTest() {
        super(PG);
    }
}
