package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.session.SessionHandle;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry of live sessions in every pipeline: what a handle shows, ending a session now with
 * an ErrorResponse of a given SQLSTATE, and ending it at its next idle point (after its open
 * transaction commits), with its connection given back clean.
 */
class SessionRegistryTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.SCRAM);

    @BeforeAll
    static void table() throws Exception {
        PG.execute("DROP TABLE IF EXISTS registry_log; CREATE TABLE registry_log (n int)");
    }

    private static void start(String pipeline) throws Exception {
        PG.restartWithVault(pipeline, b -> b.set("max_connections", "4").limit("appdb app 4 1 1"), "host all all all scram-sha-256");
    }

    private static Connection connect(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("assumeMinServerVersion", "15");
        return PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
    }

    private static SessionHandle handle(String applicationName) {
        return PG.pooler().sessions().sessions().stream()
                .filter(session -> applicationName.equals(session.applicationName()))
                .findFirst().orElseThrow();
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitSessions(int count) throws InterruptedException {
        for (int i = 0; i < 250 && PG.pooler().sessions().size() != count; i++) {
            Thread.sleep(20);
        }
        assertThat(PG.pooler().sessions().size()).isEqualTo(count);
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void handlesShowWhoAndWhere(String pipeline) throws Exception {
        start(pipeline);
        Instant before = Instant.now();
        try (Connection alpha = connect("alpha"); Connection beta = connect("beta")) {
            selectOne(alpha);
            List<SessionHandle> sessions = PG.pooler().sessions().sessions();
            assertThat(sessions).hasSize(2);
            SessionHandle handle = handle("alpha");
            assertThat(handle.user()).isEqualTo(PoolerExtension.USER);
            assertThat(handle.database()).isEqualTo(PoolerExtension.DATABASE);
            assertThat(handle.clientAddress()).isEqualTo("127.0.0.1");
            assertThat(handle.phase()).isEqualTo("RELAYING");
            assertThat(handle.started()).isAfterOrEqualTo(before.minusSeconds(1));
            if (pipeline.equals("transaction")) {
                for (int i = 0; i < 50 && handle.slot() != -1; i++) {
                    Thread.sleep(10);
                }
                assertThat(handle.slot()).as("between transactions no slot is held").isEqualTo(-1);
            } else {
                assertThat(handle.slot()).isBetween(0, 3);
                assertThat(handle("beta").slot()).isNotEqualTo(handle.slot());
            }
        }
        awaitSessions(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void terminateEndsTheSessionNowWithTheGivenSqlState(String pipeline) throws Exception {
        start(pipeline);
        try (Connection alpha = connect("alpha"); Connection beta = connect("beta")) {
            selectOne(alpha);
            handle("alpha").terminate("57P01", "terminating connection due to administrator command");
            awaitSessions(1);
            assertThatThrownBy(() -> selectOne(alpha))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("57P01", "08006", "08003"));
            assertThat(selectOne(beta)).isEqualTo(1);
        }
        PG.awaitIdle();
        assertThat(PG.pooler().activeConnections()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void terminateAtIdleLetsTheOpenTransactionCommitFirst(String pipeline) throws Exception {
        start(pipeline);
        PG.execute("TRUNCATE registry_log");
        try (Connection alpha = connect("alpha")) {
            alpha.setAutoCommit(false);
            Statement statement = alpha.createStatement();
            statement.execute("INSERT INTO registry_log VALUES (1)");
            handle("alpha").terminateAtIdle("57P01", "the pooler is shutting down");
            Thread.sleep(200);
            assertThat(PG.pooler().sessions().size()).as("the session lives while its transaction is open").isEqualTo(1);
            statement.execute("INSERT INTO registry_log VALUES (2)");
            alpha.commit();
            awaitSessions(0);
            assertThatThrownBy(() -> selectOne(alpha)).isInstanceOf(SQLException.class);
        }
        try (Connection check = PG.connect(); ResultSet rs = check.createStatement().executeQuery("SELECT count(*) FROM registry_log")) {
            rs.next();
            assertThat(rs.getInt(1)).as("both rows committed").isEqualTo(2);
        }
        PG.awaitIdle();
        assertThat(PG.pooler().activeConnections()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "transaction"})
    void terminateAtIdleEndsAnIdleSessionAtOnce(String pipeline) throws Exception {
        start(pipeline);
        try (Connection alpha = connect("alpha")) {
            selectOne(alpha);
            handle("alpha").terminateAtIdle("57P01", "the pooler is shutting down");
            awaitSessions(0);
            assertThatThrownBy(() -> selectOne(alpha))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("57P01", "08006", "08003"));
        }
    }
}
