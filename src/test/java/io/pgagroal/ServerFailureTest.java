package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server connection that dies, in use or idle in the pool, frees its slot; the next client works. */
class ServerFailureTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5)
            .configure(b -> b.set("max_connections", "1").set("blocking_timeout", "2"));

    private static int pid(Statement statement) throws SQLException {
        ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()");
        rs.next();
        return rs.getInt(1);
    }

    @Test
    void backendTerminatedMidSession() throws Exception {
        int killed;
        try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
            killed = pid(statement);
            PG.postgres().execute("SELECT pg_terminate_backend(" + killed + ")");
            assertThatThrownBy(() -> statement.executeQuery("SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006"));
        }
        awaitNoConnections();
        try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
            assertThat(pid(statement)).as("the only slot was freed for a new backend").isNotEqualTo(killed);
        }
    }

    @Test
    void idlePooledConnectionTerminated() throws Exception {
        int pooled;
        try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
            pooled = pid(statement);
        }
        assertThat(PG.pooler().totalConnections()).isEqualTo(1);
        PG.postgres().execute("SELECT pg_terminate_backend(" + pooled + ")");
        awaitNoConnections();
        try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
            assertThat(pid(statement)).isNotEqualTo(pooled);
        }
    }

    private static void awaitNoConnections() throws InterruptedException {
        for (int i = 0; i < 100 && PG.pooler().totalConnections() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(PG.pooler().totalConnections()).isZero();
    }
}
