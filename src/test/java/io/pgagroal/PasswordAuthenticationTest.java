package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class PasswordAuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.PASSWORD);

    @Override
    PoolerExtension pg() {
        return PG;
    }

    @Override
    boolean checksPassword() {
        return true;
    }

    @Override
    boolean pooled() {
        return true;
    }
}
