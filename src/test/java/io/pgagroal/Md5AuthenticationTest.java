package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import org.junit.jupiter.api.extension.RegisterExtension;

class Md5AuthenticationTest extends AuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.MD5);

    Md5AuthenticationTest() {
        super(PG, AuthMethod.MD5);
    }
}
