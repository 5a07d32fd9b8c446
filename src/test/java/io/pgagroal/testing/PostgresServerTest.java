package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The harness itself: every authentication method, real clients, and a clean stop. */
class PostgresServerTest {

    private static final String USER = "app";
    private static final String PASSWORD = "app-secret";
    private static final String DATABASE = "appdb";

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void serverAuthenticatesAndRunsPgbench(AuthMethod method) throws Exception {
        PostgresServer server = PostgresServer.start(method);
        try (server) {
            server.createRole(USER, PASSWORD);
            server.createDatabase(DATABASE, USER);
            Endpoint app = server.endpoint(USER, PASSWORD, DATABASE);

            try (Connection connection = connect(app, PASSWORD);
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_user, current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(USER);
                assertThat(rs.getString(2)).isEqualTo(DATABASE);
            }
            if (method == AuthMethod.TRUST) {
                connect(app, "wrong").close();
            } else {
                assertThatThrownBy(() -> connect(app, "wrong"))
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            }
            if (method == AuthMethod.MD5) {
                assertThat(server.query("SELECT rolpassword FROM pg_authid WHERE rolname = '" + USER + "'"))
                        .startsWith("md5");
            }
            connect(server.superuserEndpoint(), server.superuserPassword()).close();

            assertThat(Pgbench.initialize(app, 1).succeeded()).isTrue();
            PgbenchResult run = Pgbench.against(app)
                    .mode(Pgbench.Mode.PREPARED).clients(2).threads(2).transactions(50).run();
            assertThat(run.process().succeeded()).as(run.process().describe()).isTrue();
            assertThat(run.failedTransactions()).hasValue(0);
            assertThat(run.processedTransactions()).hasValue(100);
            assertThat(run.tps()).isPresent();
        }
        assertThat(server.socketDir()).doesNotExist();
    }

    private static Connection connect(Endpoint endpoint, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.user());
        properties.setProperty("password", password);
        return DriverManager.getConnection(endpoint.jdbcUrl(), properties);
    }
}
