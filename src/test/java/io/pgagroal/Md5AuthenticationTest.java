package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class Md5AuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5);

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
