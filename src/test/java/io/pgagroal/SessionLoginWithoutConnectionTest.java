package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session and performance pipelines with a full pool: a client the pooler authenticates itself
 * logs in without a server connection and waits for one at its first query, with blocking_timeout
 * counted from there; a client that leaves before asking anything never takes one. pgJDBC is told
 * the server version (assumeMinServerVersion) so that it sends its settings in the startup packet
 * rather than with a SET after login, which would be a first query.
 */
class SessionLoginWithoutConnectionTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static void poolOfTwo(String pipeline) throws Exception {
        poolOfTwo(pipeline, 3);
    }

    private static void poolOfTwo(String pipeline, int blockingTimeout) throws Exception {
        PG.restartWithVault(pipeline, b -> b.set("max_connections", "2").set("blocking_timeout", Integer.toString(blockingTimeout)),
                "host all all all scram-sha-256");
    }

    private static Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("assumeMinServerVersion", "15");
        return PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "performance"})
    void aClientLogsInWhileThePoolIsFullAndWaitsAtItsFirstQuery(String pipeline) throws Exception {
        poolOfTwo(pipeline);
        try (Connection first = connect(); Connection second = connect()) {
            int firstPid = backendPid(first);
            backendPid(second);

            long start = System.nanoTime();
            try (Connection third = connect()) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("login without waiting for the pool").isLessThan(Duration.ofMillis(1500));
                CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> {
                    try {
                        return backendPid(third);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(500);
                assertThat(query).as("the query waits for a connection").isNotDone();
                first.close();
                assertThat(query.get(3, TimeUnit.SECONDS)).as("the connection the first client gave back").isEqualTo(firstPid);
                assertThat(backendPid(third)).as("kept for the session").isEqualTo(firstPid);
            }
        }
    }

    /** The connection is free by the time the first query comes: it is taken at once (on either event loop). */
    @Test
    void aFirstQueryAfterAConnectionWasFreedTakesItAtOnce() throws Exception {
        poolOfTwo("session");
        Connection holder = connect();
        try (Connection other = connect()) {
            backendPid(holder);
            backendPid(other);
            for (int i = 0; i < 6; i++) {
                Connection waiting = connect();
                int freed = backendPid(holder);
                holder.close();
                PG.awaitIdle();
                assertThat(backendPid(waiting)).as("round %d", i).isEqualTo(freed);
                holder = waiting;
            }
        } finally {
            holder.close();
        }
    }

    @Test
    void blockingTimeoutCountsFromTheFirstQuery() throws Exception {
        poolOfTwo("session");
        try (Connection first = connect(); Connection second = connect()) {
            backendPid(first);
            backendPid(second);
            try (Connection third = connect()) {
                Thread.sleep(3500);
                long start = System.nanoTime();
                assertThatThrownBy(() -> backendPid(third))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"))
                        .hasMessageContaining("connection pool is full");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(6));
            }
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(2);
    }

    @Test
    void aClientThatLeavesBeforeItsFirstQueryTakesNoConnection() throws Exception {
        poolOfTwo("session");
        try (Connection first = connect(); Connection second = connect()) {
            int firstPid = backendPid(first);
            backendPid(second);
            connect().close();
            first.close();
            PG.awaitIdle();
            try (Connection next = connect()) {
                assertThat(backendPid(next)).as("the first client's connection was free, not taken by the one that left").isEqualTo(firstPid);
            }
        }
    }

    @Test
    void aWaitingClientsQueryCanBeCancelledOnceItRuns() throws Exception {
        poolOfTwo("session");
        try (Connection first = connect(); Connection second = connect()) {
            backendPid(first);
            backendPid(second);
            try (Connection third = connect(); Statement sleeping = third.createStatement()) {
                CompletableFuture<Void> query = CompletableFuture.runAsync(() -> {
                    try {
                        sleeping.execute("SELECT pg_sleep(30)");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e.getSQLState(), e);
                    }
                });
                first.close();
                PG.postgres().awaitRunning("SELECT pg_sleep(30)");
                sleeping.cancel();
                assertThatThrownBy(() -> query.get(10, TimeUnit.SECONDS)).hasRootCauseMessage(
                        "ERROR: canceling statement due to user request");
                assertThat(backendPid(third)).isPositive();
            }
        }
    }

    @Test
    void pgbenchWithThreeTimesMoreClientsThanConnectionsServesEveryClient() throws Exception {
        poolOfTwo("session", 20);
        Pgbench.initialize(PG.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE), 1).orThrow();
        PgbenchResult result = Pgbench.against(PG.endpoint()).selectOnly().clients(6).threads(2).seconds(3).run();
        assertThat(result.process().exitCode()).as(result.process().describe()).isZero();
        assertThat(result.process().stderr()).doesNotContain("aborted").doesNotContain("pool is full");
        assertThat(result.failedTransactions()).hasValue(0);
        assertThat(result.processedTransactions().orElseThrow()).isPositive();
    }
}
