package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Properties;
import org.postgresql.core.BaseConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Prepared statements in the transaction pipeline over a single server connection. */
class TransactionPreparedStatementsTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.MD5);


    private static void start(String maxPreparedStatements, String track) throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_prepared_statements", maxPreparedStatements).set("track_prepared_statements", track)
                .limit("appdb app 1 1 1"), "host all all all md5");
    }

    private static Connection connect() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("prepareThreshold", "1");
        return PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
    }

    /** Another client's view of the only server connection. */
    private static int serverPreparedStatements() throws Exception {
        try (Connection other = PG.connect()) {
            ResultSet rs = other.createStatement().executeQuery("SELECT count(*) FROM pg_prepared_statements");
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void describeOfAStatementOnItsOwnMatchesPostgreSQL() throws Exception {
        start("200", "off");
        Properties direct = new Properties();
        direct.setProperty("user", PoolerExtension.USER);
        direct.setProperty("password", PoolerExtension.PASSWORD);
        direct.setProperty("prepareThreshold", "1");
        String sql = "SELECT 41 + 1 AS answer, 'x'::text AS label, now() AS at";
        String expected;
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG.postgres().port() + "/appdb", direct)) {
            expected = describe(connection, sql);
        }
        try (Connection connection = connect()) {
            assertThat(describe(connection, sql)).isEqualTo(expected).contains("answer int4", "label text");
            PreparedStatement statement = connection.prepareStatement("SELECT ?::int + 1");
            statement.setInt(1, 41);
            ResultSet rs = statement.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void leastRecentlyUsedStatementsAreClosedAndPreparedAgainWhenNeeded() throws Exception {
        start("2", "off");
        try (Connection connection = connect()) {
            List<PreparedStatement> statements = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statements.add(connection.prepareStatement("SELECT ?::int * " + (i + 1)));
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 5; i++) {
                    statements.get(i).setInt(1, round + 1);
                    ResultSet rs = statements.get(i).executeQuery();
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo((round + 1) * (i + 1));
                }
            }
            assertThat(serverPreparedStatements()).as("at most max_prepared_statements on the connection").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void cancelFromAClientHoldingNoConnectionReachesNothing() throws Exception {
        start("200", "off");
        try (Connection idle = connect(); Connection busy = PG.connect()) {
            CompletableFuture<Boolean> sleeping = CompletableFuture.supplyAsync(() -> {
                try (Statement statement = busy.createStatement()) {
                    return statement.execute("SELECT pg_sleep(1.5)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            idle.unwrap(BaseConnection.class).getQueryExecutor().sendQueryCancel();
            assertThat(sleeping.get(10, TimeUnit.SECONDS)).as("the other client's query was not cancelled").isTrue();
        }
    }

    /** Column names and types from Describe of a statement that was never executed. */
    private static String describe(Connection connection, String sql) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            ResultSetMetaData metadata = statement.getMetaData();
            StringBuilder columns = new StringBuilder();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.append(metadata.getColumnName(i)).append(' ').append(metadata.getColumnTypeName(i)).append(';');
            }
            return columns.toString();
        }
    }

    @Test
    void trackPreparedStatementsDeallocatesWhenTheSupportIsOff() throws Exception {
        start("0", "on");
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
                statement.executeQuery().close();
            }
            connection.commit();
            assertThat(serverPreparedStatements()).as("DEALLOCATE ALL ran after the transaction").isZero();
        }
        start("0", "off");
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("SELECT 2")) {
                statement.executeQuery().close();
            }
            connection.commit();
            assertThat(serverPreparedStatements()).as("without tracking the statements stay").isPositive();
        }
    }
}
