package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, finding 4, with pgJDBC: a statement the client prepared (and was given the
 * RowDescription of) is prepared again by the pooler on another connection after its table changed
 * shape. PostgreSQL, on a connection of the client's own, fails the execution with 0A000 "cached
 * plan must not change result type", which pgJDBC recognises: it prepares the statement again and
 * runs it once more. Through the pooler the client must get the same, never rows of another shape
 * decoded with its old description.
 */
class TransactionResultShapeTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.MD5);

    private static final String QUERY = "SELECT * FROM shape ORDER BY id";

    private static Properties prepared() {
        Properties properties = new Properties();
        properties.setProperty("prepareThreshold", "1");
        return properties;
    }

    private static Connection direct() throws SQLException {
        Properties properties = prepared();
        properties.setProperty("user", PoolerExtension.USER);
        properties.setProperty("password", PoolerExtension.PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG.postgres().port() + "/appdb", properties);
    }

    private static void recreateTable() throws SQLException {
        try (Connection connection = direct(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS shape");
            statement.execute("CREATE TABLE shape (id int, a int)");
            statement.execute("INSERT INTO shape VALUES (1, 7)");
        }
    }

    private static void alterTable() throws SQLException {
        try (Connection connection = direct(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE shape ADD COLUMN b int DEFAULT 5");
        }
    }

    private static List<String> run(PreparedStatement statement) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(i < columns ? "," : "");
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** A client holding a server connection in an open transaction, so the next client gets the other one. */
    private static Connection hold() throws SQLException {
        Connection holder = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, new Properties());
        holder.setAutoCommit(false);
        holder.createStatement().execute("SELECT 1");
        return holder;
    }

    @Test
    void directlyPgJdbcPreparesAgainAndReturnsTheNewShape() throws Exception {
        recreateTable();
        try (Connection connection = direct(); PreparedStatement statement = connection.prepareStatement(QUERY)) {
            assertThat(run(statement)).containsExactly("id=1,a=7");
            alterTable();
            assertThat(run(statement)).as("pgJDBC prepares again on 0A000 and runs the query once more").containsExactly("id=1,a=7,b=5");
        }
    }

    /**
     * With a pool of two connections, runs the statement on one of them and returns a client that
     * holds that one in an open transaction: the statement's next run is on the other.
     */
    private static Connection ranOnOneConnectionNowHeld(PreparedStatement statement) throws Exception {
        Connection first = hold();
        assertThat(run(statement)).containsExactly("id=1,a=7");
        Connection second = hold();
        first.rollback();
        first.close();
        return second;
    }

    private static Connection startAndConnect() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .limit("appdb app 2 2 2"), "host all all all md5");
        recreateTable();
        return PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, prepared());
    }

    @Test
    void throughThePoolerOnAnotherConnectionTheClientSeesTheSame() throws Exception {
        try (Connection client = startAndConnect(); PreparedStatement statement = client.prepareStatement(QUERY)) {
            Connection second = ranOnOneConnectionNowHeld(statement);
            alterTable();
            assertThat(run(statement)).as("on the connection that did not prepare it").containsExactly("id=1,a=7,b=5");
            second.rollback();
            second.close();
            assertThat(run(statement)).as("after the failure, on any connection").containsExactly("id=1,a=7,b=5");
        }
    }

    /** The other connection already holds the statement, prepared by another client after the change. */
    @Test
    void aStatementAnotherClientPreparedAfterTheChangeFailsTheStaleClientToo() throws Exception {
        try (Connection client = startAndConnect(); PreparedStatement statement = client.prepareStatement(QUERY)) {
            Connection second = ranOnOneConnectionNowHeld(statement);
            alterTable();
            try (Connection other = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, prepared());
                    PreparedStatement same = other.prepareStatement(QUERY)) {
                assertThat(run(same)).as("prepared after the change").containsExactly("id=1,a=7,b=5");
            }
            assertThat(run(statement)).as("the stale client on that connection").containsExactly("id=1,a=7,b=5");
            second.rollback();
            second.close();
        }
    }
}
