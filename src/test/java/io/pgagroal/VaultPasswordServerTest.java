package io.pgagroal;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pooler-side authentication in front of a PostgreSQL asking for password. */
class VaultPasswordServerTest extends VaultAuthenticationTests {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.PASSWORD);

    VaultPasswordServerTest() {
        super(PG);
    }
}
