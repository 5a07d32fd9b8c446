package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import org.junit.jupiter.api.extension.RegisterExtension;

class PasswordAuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.PASSWORD);

    PasswordAuthenticationTest() {
        super(PG, AuthMethod.PASSWORD);
    }
}
