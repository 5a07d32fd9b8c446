package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgagroal_databases.conf: max_size per user and database, and aliases resolved to the real database. */
class DatabaseLimitsTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5)
            .configure(b -> b.set("blocking_timeout", "2").limit("appdb=reporting,analytics app 1"));

    private static Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PoolerExtension.USER);
        properties.setProperty("password", PoolerExtension.PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG.pooler().port() + "/" + database, properties);
    }

    private static String pidAndDatabase(Connection connection) throws SQLException {
        ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid() || ' ' || current_database()");
        rs.next();
        return rs.getString(1);
    }

    @Test
    void aliasReachesTheRealDatabaseAndSharesItsConnections() throws Exception {
        String viaAlias;
        try (Connection connection = connect("reporting")) {
            viaAlias = pidAndDatabase(connection);
        }
        PG.awaitIdle();
        assertThat(viaAlias).endsWith(" appdb");
        try (Connection connection = connect("appdb")) {
            assertThat(pidAndDatabase(connection)).as("same backend for the real name").isEqualTo(viaAlias);
        }
        PG.awaitIdle();
        try (Connection connection = connect("analytics")) {
            assertThat(pidAndDatabase(connection)).as("and for the other alias").isEqualTo(viaAlias);
        }
    }

    @Test
    void maxSizeMakesTheNextClientWaitThoughSlotsRemain() throws SQLException {
        try (Connection held = connect("appdb")) {
            assertThatThrownBy(() -> connect("reporting").close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
            assertThat(PG.pooler().totalConnections()).isEqualTo(1);
        }
        connect("appdb").close();
    }
}
