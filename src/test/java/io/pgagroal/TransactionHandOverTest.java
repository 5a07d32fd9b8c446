package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections changing hands while clients queue for them, with blocking_timeout = 0 (the setting
 * upstream recommends for the transaction pipeline: wait without a deadline): every hand-over
 * happens inside the read of the ReadyForQuery that ended the previous client's transaction.
 */
class TransactionHandOverTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);


    @BeforeAll
    static void transactionModeWithoutDeadline() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_connections", "10").set("blocking_timeout", "0").limit("appdb app 2 2 2"),
                "host all all all scram-sha-256");
    }

    @Test
    void fortyPgbenchClientsOverTwoConnectionsAllWait() {
        Endpoint pooler = PG.endpoint();
        assertThat(Pgbench.initialize(pooler, 1).succeeded()).isTrue();
        for (Pgbench.Mode mode : Pgbench.Mode.values()) {
            PgbenchResult result = Pgbench.against(pooler).mode(mode).selectOnly().clients(40).threads(2).transactions(100).run();
            assertThat(result.process().succeeded()).as("%s (no client aborted): %s", mode, result.process().describe()).isTrue();
            assertThat(result.failedTransactions()).as(mode.name()).hasValue(0);
            assertThat(result.processedTransactions()).as(mode.name()).hasValue(4000);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(2);
    }

    /**
     * Server connections killed while clients queue for them, some in use and some idle in the
     * pool: only the clients whose transaction ran on a killed connection see an error, the pool
     * opens replacements, and no client is left waiting.
     */
    @Test
    void connectionsKilledWhileClientsQueue() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(10);
        List<Future<int[]>> results = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
        for (int c = 0; c < 10; c++) {
            results.add(threads.submit(() -> {
                int ok = 0;
                int lost = 0;
                while (System.nanoTime() < end) {
                    try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
                        while (System.nanoTime() < end) {
                            ResultSet rs = statement.executeQuery("SELECT 1");
                            rs.next();
                            ok += rs.getInt(1);
                        }
                    } catch (SQLException e) {
                        assertThat(e.getSQLState()).as(e.getMessage()).isIn("57P01", "08006", "08003");
                        lost++;
                    }
                }
                return new int[] {ok, lost};
            }));
        }
        for (int round = 0; round < 3; round++) {
            Thread.sleep(400);
            PG.postgres().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
        }
        threads.shutdown();
        int ok = 0;
        int lost = 0;
        for (Future<int[]> result : results) {
            int[] counts = result.get(120, TimeUnit.SECONDS);
            ok += counts[0];
            lost += counts[1];
        }
        assertThat(lost).as("transactions on killed connections: at most one per connection killed").isBetween(1, 3 * 2);
        assertThat(ok).as("queries that succeeded").isGreaterThan(100);
        try (Connection connection = PG.connect(); Statement statement = connection.createStatement()) {
            ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = 'app'");
            rs.next();
            assertThat(rs.getInt(1)).as("server connections after the kills").isBetween(1, 2);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(2);
    }

    @Test
    void queuedClientsWithTheirOwnParametersEachSeeTheirOwn() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            String name = "client-" + c;
            String zone = c % 2 == 0 ? "Asia/Tokyo" : "America/New_York";
            results.add(threads.submit(() -> {
                Properties properties = new Properties();
                properties.setProperty("ApplicationName", name);
                properties.setProperty("options", "-c TimeZone=" + zone);
                int right = 0;
                try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
                        Statement statement = connection.createStatement()) {
                    for (int i = 0; i < 40; i++) {
                        ResultSet rs = statement.executeQuery("SELECT current_setting('application_name'), current_setting('TimeZone')");
                        rs.next();
                        if (rs.getString(1).equals(name) && rs.getString(2).equals(zone)) {
                            right++;
                        }
                    }
                }
                return right;
            }));
        }
        threads.shutdown();
        for (Future<Integer> result : results) {
            assertThat(result.get(120, TimeUnit.SECONDS)).as("transactions that saw the client's own settings").isEqualTo(40);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(2);
    }
}
