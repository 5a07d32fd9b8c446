package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrustAuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    @Override
    PoolerExtension pg() {
        return PG;
    }

    @Override
    boolean checksPassword() {
        return false;
    }

    @Override
    boolean pooled() {
        return true;
    }
}
