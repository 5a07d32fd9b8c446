package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * disable and enable (one database, or {@code *}) as pgJDBC and psql clients see them, and clear
 * server on the pooler's servers.
 */
class DatabaseAdministrationTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    private static Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PoolerExtension.USER);
        properties.setProperty("password", PoolerExtension.PASSWORD);
        return DriverManager.getConnection(PG.endpoint().withDatabase(database).jdbcUrl(), properties);
    }

    private static void admitted(String database) throws SQLException {
        try (Connection connection = connect(database)) {
            connection.createStatement().execute("SELECT 1");
        }
    }

    private static void refused(String database) {
        assertThatThrownBy(() -> admitted(database)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("55000");
            assertThat(e.getMessage()).contains("database \"" + database + "\" is disabled");
        });
    }

    @Test
    void disabledDatabaseRefusesNewClientsOnly() throws Exception {
        try (Connection running = connect(PoolerExtension.DATABASE)) {
            PG.pooler().disableDatabase(PoolerExtension.DATABASE);
            refused(PoolerExtension.DATABASE);
            ProcessResult psql = Psql.query(PG.unixEndpoint(), "SELECT 1");
            assertThat(psql.exitCode()).isNotZero();
            assertThat(psql.stderr()).contains("database \"appdb\" is disabled");
            admitted("postgres");
            running.createStatement().execute("SELECT 1");

            PG.pooler().enableDatabase(PoolerExtension.DATABASE);
            admitted(PoolerExtension.DATABASE);
        }
    }

    @Test
    void starDisablesAndEnablesEveryDatabase() throws Exception {
        PG.pooler().disableDatabase("*");
        refused(PoolerExtension.DATABASE);
        refused("postgres");
        PG.pooler().enableDatabase("postgres");
        refused("postgres");

        PG.pooler().enableDatabase("*");
        admitted(PoolerExtension.DATABASE);
        admitted("postgres");
    }

    @Test
    void clearServerNamesAConfiguredServer() {
        assertThat(PG.pooler().clearServer("primary")).as("a server that has not failed").isFalse();
        assertThatThrownBy(() -> PG.pooler().clearServer("nosuch")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuch");
    }
}
