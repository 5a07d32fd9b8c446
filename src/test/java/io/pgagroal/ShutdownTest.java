package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Graceful and immediate shutdown of an embedded pooler, with pgJDBC and psql: new clients refused
 * with 57P03 (over TCP and the Unix socket) while running sessions go on, cancelling, the timeout
 * that turns a graceful shutdown into an immediate one, a transaction-pipeline session ended at the
 * end of its transaction, and the FATAL 57P01 a client mid-query gets on an immediate shutdown.
 */
class ShutdownTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    @BeforeAll
    static void table() throws Exception {
        PG.execute("DROP TABLE IF EXISTS shutdown_log; CREATE TABLE shutdown_log (n int)");
    }

    private static void start(String pipeline) throws Exception {
        PG.restartWithVault(pipeline, b -> b.set("max_connections", "4").limit("appdb app 4 1 1"), "host all all all trust");
    }

    private static String logged(int n) {
        return Psql.query(PG.postgres().superuserEndpoint().withDatabase(PoolerExtension.DATABASE),
                "SELECT count(*) FROM shutdown_log WHERE n = " + n).orThrow().stdout().trim();
    }

    private static SQLException refusal() {
        try (Connection ignored = PG.connect()) {
            throw new AssertionError("a new client was admitted during shutdown");
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void gracefulRefusesNewClientsLetsSessionsFinishAndCanBeCancelled() throws Exception {
        start("session");
        try (Connection running = PG.connect()) {
            running.createStatement().execute("SELECT 1");
            CompletableFuture<Void> stopped = PG.pooler().shutdownGracefully();

            SQLException refused = refusal();
            assertThat(refused.getSQLState()).isEqualTo("57P03");
            assertThat(refused.getMessage()).contains("the pooler is shutting down");
            ProcessResult psql = Psql.query(PG.unixEndpoint(), "SELECT 1");
            assertThat(psql.exitCode()).isNotZero();
            assertThat(psql.stderr()).contains("the pooler is shutting down");
            running.createStatement().execute("INSERT INTO shutdown_log VALUES (1)");
            assertThat(stopped).isNotDone();

            assertThat(PG.pooler().cancelShutdown()).isTrue();
            try (Connection admitted = PG.connect()) {
                admitted.createStatement().execute("SELECT 1");
            }
            assertThat(stopped).isNotDone();

            PG.pooler().shutdownGracefully();
            running.createStatement().execute("SELECT 1");
            assertThat(stopped).isNotDone();
            running.close();
            stopped.get(10, TimeUnit.SECONDS);
        }
        assertThat(logged(1)).isEqualTo("1");
        assertThat(PG.pooler().cancelShutdown()).as("nothing to cancel once stopped").isFalse();
    }

    @Test
    void transactionPipelineEndsEachSessionAtItsTransactionEnd() throws Exception {
        start("transaction");
        try (Connection inTransaction = PG.connect(); Connection idle = PG.connect()) {
            idle.createStatement().execute("SELECT 1");
            inTransaction.setAutoCommit(false);
            Statement statement = inTransaction.createStatement();
            statement.execute("INSERT INTO shutdown_log VALUES (2)");
            CompletableFuture<Void> stopped = PG.pooler().shutdownGracefully();

            assertThat(refusal().getSQLState()).isEqualTo("57P03");
            statement.execute("INSERT INTO shutdown_log VALUES (2)");
            inTransaction.commit();
            assertThatThrownBy(() -> statement.execute("SELECT 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
            assertThatThrownBy(() -> idle.createStatement().execute("SELECT 1"))
                    .as("a session idle between transactions ends at once")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
            stopped.get(10, TimeUnit.SECONDS);
        }
        assertThat(logged(2))
                .as("the transaction in flight committed").isEqualTo("2");
    }

    @Test
    void cancellingWithdrawsTheRequestsToEndAtTheTransactionEnd() throws Exception {
        start("transaction");
        try (Connection inTransaction = PG.connect()) {
            inTransaction.setAutoCommit(false);
            Statement statement = inTransaction.createStatement();
            statement.execute("INSERT INTO shutdown_log VALUES (3)");
            PG.pooler().shutdownGracefully();
            Thread.sleep(300);
            assertThat(PG.pooler().cancelShutdown()).isTrue();
            inTransaction.commit();
            statement.execute("SELECT 1");
            inTransaction.commit();
        }
        assertThat(logged(3)).isEqualTo("1");
    }

    @Test
    void gracefulTimeoutTurnsIntoImmediate() throws Exception {
        start("session");
        try (Connection running = PG.connect()) {
            running.createStatement().execute("SELECT 1");
            long started = System.nanoTime();
            PG.pooler().shutdownGracefully(Duration.ofMillis(500)).get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            assertThatThrownBy(() -> running.createStatement().execute("SELECT 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
        }
        assertThat(serverConnections()).isZero();
    }

    @Test
    void immediateShutdownTellsAClientMidQuery() throws Exception {
        start("performance");
        try (Connection sleeping = PG.connect()) {
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    sleeping.createStatement().execute("SELECT pg_sleep(2)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            PG.postgres().awaitRunning("SELECT pg_sleep(2)");
            PG.pooler().close();
            SQLException error = outcome.get(10, TimeUnit.SECONDS);
            assertThat((Throwable) error).as("the query failed").isNotNull();
            assertThat(error.getSQLState()).isEqualTo("57P01");
            assertThat(error.getMessage()).contains("terminating connection due to administrator command");
        }
        assertThat(PG.pooler().stopped()).isDone();
        assertThat(serverConnections()).as("the server connection closed (PostgreSQL notices once pg_sleep ends)").isZero();
    }

    private static int serverConnections() throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + PoolerExtension.DATABASE + "'";
        for (int i = 0; i < 250 && !PG.postgres().query(sql).trim().equals("0"); i++) {
            Thread.sleep(20);
        }
        return Integer.parseInt(PG.postgres().query(sql).trim());
    }
}
