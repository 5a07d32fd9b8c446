package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrustAuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.TRUST);

    TrustAuthenticationTest() {
        super(PG, AuthMethod.TRUST);
    }
}
