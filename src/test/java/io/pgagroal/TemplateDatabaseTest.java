package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection to template0 or template1 is never kept in the pool: CREATE DATABASE copies
 * template1 and fails (55006, "being accessed by other users") while any session is connected to
 * it, so an idle pooled connection there would break every CREATE DATABASE.
 */
class TemplateDatabaseTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session"})
    void aClientOfTemplate1LeavesNoConnectionBehind(String pipeline) throws Exception {
        PG.restartPooler(b -> b.set("pipeline", pipeline));
        try (Connection connection = DriverManager.getConnection(PG.endpoint().withDatabase("template1").jdbcUrl(),
                PoolerExtension.USER, PoolerExtension.PASSWORD);
                ResultSet rs = connection.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("template1");
        }
        for (int i = 0; i < 100 && PG.pooler().totalConnections() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(PG.pooler().totalConnections()).as("the template1 connection was closed, not pooled").isZero();
        String name = "created_after_" + pipeline;
        PG.postgres().execute("CREATE DATABASE " + name);
        PG.postgres().execute("DROP DATABASE " + name);
    }
}
