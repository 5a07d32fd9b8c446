package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.session.FlushMode;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * flush idle, gracefully and all, for one database or {@code *}, through pgJDBC clients, each
 * effect counted in the pool and in pg_stat_activity; and the prefill back to min_size afterwards.
 */
class FlushTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    private static int serverConnections() {
        return Integer.parseInt(PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                + PoolerExtension.DATABASE + "'").trim());
    }

    private static String serverPids() {
        return PG.postgres().query("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity WHERE datname = '"
                + PoolerExtension.DATABASE + "'").trim();
    }

    private static void await(IntSupplier count, int expected) throws InterruptedException {
        for (int i = 0; i < 250 && count.getAsInt() != expected; i++) {
            Thread.sleep(20);
        }
        assertThat(count.getAsInt()).isEqualTo(expected);
    }

    /** One connection in use by {@code held}, one idle in the pool. */
    private static Connection oneInUseOneIdle() throws Exception {
        Connection held = PG.connect();
        try (Connection other = PG.connect()) {
            held.createStatement().execute("SELECT 1");
            other.createStatement().execute("SELECT 1");
        }
        await(PG.pooler()::activeConnections, 1);
        assertThat(PG.pooler().totalConnections()).isEqualTo(2);
        return held;
    }

    @Test
    void idleClosesOnlyIdleConnections() throws Exception {
        PG.restartPooler(b -> b.set("pipeline", "session"));
        try (Connection held = oneInUseOneIdle()) {
            assertThat(PG.pooler().flush(FlushMode.IDLE, "postgres")).as("another database").isZero();
            assertThat(PG.pooler().totalConnections()).isEqualTo(2);

            assertThat(PG.pooler().flush(FlushMode.IDLE, PoolerExtension.DATABASE)).isEqualTo(1);
            await(PG.pooler()::totalConnections, 1);
            await(FlushTest::serverConnections, 1);
            held.createStatement().execute("SELECT 1");
        }
        PG.awaitIdle();
        assertThat(PG.pooler().totalConnections()).as("the connection in use went back to the pool").isEqualTo(1);
    }

    @Test
    void gracefullyClosesConnectionsInUseWhenGivenBack() throws Exception {
        PG.restartPooler(b -> b.set("pipeline", "session"));
        try (Connection held = oneInUseOneIdle()) {
            assertThat(PG.pooler().flush(FlushMode.GRACEFULLY, "*")).isEqualTo(2);
            await(FlushTest::serverConnections, 1);
            held.createStatement().execute("SELECT 1");
            assertThat(PG.pooler().totalConnections()).isEqualTo(1);
        }
        await(PG.pooler()::totalConnections, 0);
        await(FlushTest::serverConnections, 0);
    }

    @Test
    void allEndsTheSessionsHoldingConnections() throws Exception {
        PG.restartPooler(b -> b.set("pipeline", "session"));
        try (Connection held = oneInUseOneIdle()) {
            assertThat(PG.pooler().flush(FlushMode.ALL, PoolerExtension.DATABASE)).isEqualTo(2);
            assertThatThrownBy(() -> held.createStatement().execute("SELECT 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
            await(PG.pooler()::totalConnections, 0);
            await(FlushTest::serverConnections, 0);
        }
        try (Connection next = PG.connect()) {
            next.createStatement().execute("SELECT 1");
        }
    }

    @Test
    void transactionPipelineClosesAFlushedConnectionAtTheTransactionEnd() throws Exception {
        startTransactionPipeline();
        try (Connection client = PG.connect()) {
            int pid = begin(client);
            assertThat(PG.pooler().flush(FlushMode.GRACEFULLY, PoolerExtension.DATABASE)).isPositive();
            client.createStatement().execute("SELECT 2");
            assertThat(inTransaction()).as("the transaction keeps its connection").isEqualTo(pid);
            client.commit();
            await(() -> backendAlive(pid), 0);
            client.createStatement().execute("SELECT 3");
            assertThat(inTransaction()).as("the next transaction gets another connection").isNotEqualTo(pid);
        }
    }

    @Test
    void transactionPipelineAllEndsTheSessionMidTransaction() throws Exception {
        startTransactionPipeline();
        try (Connection client = PG.connect()) {
            int pid = begin(client);
            assertThat(PG.pooler().flush(FlushMode.ALL, "*")).isPositive();
            assertThatThrownBy(() -> client.createStatement().execute("SELECT 2"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
            await(() -> backendAlive(pid), 0);
        }
    }

    private static void startTransactionPipeline() throws Exception {
        PG.restartWithVault("transaction", b -> b.limit("appdb app 4 1 1"), "host all all all trust");
        await(PG.pooler()::totalConnections, 1);
    }

    /** Opens a transaction on {@code client}; returns the server process it holds. */
    private static int begin(Connection client) throws SQLException {
        client.setAutoCommit(false);
        client.createStatement().execute("SELECT 1");
        return inTransaction();
    }

    /** The server process of the one client in a transaction (pg_backend_pid() would pin the client to it). */
    private static int inTransaction() {
        return Integer.parseInt(PG.postgres().query("SELECT pid FROM pg_stat_activity WHERE datname = '" + PoolerExtension.DATABASE
                + "' AND state = 'idle in transaction'").trim());
    }

    private static int backendAlive(int pid) {
        return Integer.parseInt(PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).trim());
    }

    @Test
    void prefillRefillsToMinSizeAfterAFlush() throws Exception {
        PG.restartWithVault("session", b -> b.limit("appdb app 4 2 2"), "host all all all trust");
        await(PG.pooler()::totalConnections, 2);
        await(FlushTest::serverConnections, 2);
        String before = serverPids();

        assertThat(PG.pooler().flush(FlushMode.IDLE, "*")).isEqualTo(2);
        await(PG.pooler()::totalConnections, 2);
        await(FlushTest::serverConnections, 2);
        assertThat(serverPids()).as("new connections").isNotEqualTo(before);
    }
}
