package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import io.pgagroal.testing.PgBinaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transaction pipeline with real clients: many clients share a few server connections. */
class TransactionPipelineTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);


    @BeforeAll
    static void transactionMode() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_connections", "20").set("blocking_timeout", "30").limit("appdb app 5 5 5"),
                "host all all all scram-sha-256");
    }

    @Test
    @Tag("nio")
    void twoHundredJdbcClientsWithPreparedStatementsAndTransactions() throws Exception {
        try (Connection setup = PG.connect()) {
            setup.createStatement().execute("DROP TABLE IF EXISTS ledger; CREATE TABLE ledger (client int, n int)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(200);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < 200; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                Properties properties = new Properties();
                properties.setProperty("prepareThreshold", client % 2 == 0 ? "1" : "5");
                try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties)) {
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger VALUES (?, ?)");
                    PreparedStatement sum = connection.prepareStatement("SELECT sum(n) FROM ledger WHERE client = ?");
                    for (int i = 1; i <= 10; i++) {
                        connection.setAutoCommit(false);
                        insert.setInt(1, client);
                        insert.setInt(2, i);
                        insert.executeUpdate();
                        if (i % 5 == 0) {
                            connection.rollback();
                        } else {
                            connection.commit();
                        }
                        connection.setAutoCommit(true);
                    }
                    sum.setInt(1, client);
                    ResultSet rs = sum.executeQuery();
                    rs.next();
                    assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
                    assertThat(sum.getMetaData().getColumnCount()).isEqualTo(1);
                    return rs.getInt(1);
                }
            }));
        }
        pool.shutdown();
        for (Future<Integer> result : results) {
            assertThat(result.get(120, TimeUnit.SECONDS)).as("1..10 without the rolled back 5 and 10").isEqualTo(40);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(5);
    }

    @Test
    @Tag("nio")
    void clientKilledInsideATransactionLeavesNothingOpen() throws Exception {
        try (Connection setup = PG.connect()) {
            setup.createStatement().execute("DROP TABLE IF EXISTS killed; CREATE TABLE killed (id int)");
        }
        Endpoint pooler = PG.endpoint();
        ProcessBuilder builder = new ProcessBuilder(PgBinaries.tool("psql").toString(), "-X", "-h", pooler.host(),
                "-p", Integer.toString(pooler.port()), "-U", pooler.user(), "-f", "-", pooler.database());
        builder.environment().put("PGPASSWORD", pooler.password());
        Process psql = builder.start();
        psql.getOutputStream().write("BEGIN;\nINSERT INTO killed VALUES (1);\n\\! sleep 30\n".getBytes());
        psql.getOutputStream().flush();
        for (int i = 0; i < 100 && !PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'").trim().equals("1"); i++) {
            Thread.sleep(50);
        }
        assertThat(PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'").trim()).isEqualTo("1");
        psql.destroyForcibly().waitFor();
        for (int i = 0; i < 100 && !PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'").trim().equals("0"); i++) {
            Thread.sleep(50);
        }
        assertThat(PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'").trim())
                .as("the transaction was rolled back").isEqualTo("0");
        try (Connection connection = PG.connect()) {
            ResultSet rs = connection.createStatement().executeQuery("SELECT count(*) FROM killed");
            rs.next();
            assertThat(rs.getInt(1)).as("uncommitted rows are not visible").isZero();
        }
    }

    @Test
    @Tag("nio")
    void cancelStopsOnlyThatClientsQuery() throws Exception {
        try (Connection sleeper = PG.connect(); Connection other = PG.connect()) {
            Statement sleeping = sleeper.createStatement();
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    sleeping.execute("SELECT pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            for (int i = 0; i < 200 && !PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'").trim().equals("1"); i++) {
                Thread.sleep(25);
            }
            CompletableFuture<Integer> busy = CompletableFuture.supplyAsync(() -> {
                int done = 0;
                try (Statement statement = other.createStatement()) {
                    for (int i = 0; i < 50; i++) {
                        statement.execute("SELECT pg_sleep(0.01)");
                        done++;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return done;
            });
            Thread.sleep(100);
            sleeping.cancel();
            SQLException error = outcome.get(10, TimeUnit.SECONDS);
            assertThat((Throwable) error).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("57014");
            assertThat(busy.get(30, TimeUnit.SECONDS)).as("the other client's queries all ran").isEqualTo(50);
        }
    }

    @Test
    @Tag("nio")
    void parametersFollowEachClientAcrossConnections() throws Exception {
        Properties tokyo = new Properties();
        tokyo.setProperty("options", "-c TimeZone=Asia/Tokyo");
        tokyo.setProperty("ApplicationName", "tokyo");
        Properties york = new Properties();
        york.setProperty("options", "-c TimeZone=America/New_York");
        york.setProperty("ApplicationName", "york");
        Set<String> pids = new HashSet<>();
        try (Connection a = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, tokyo);
                Connection b = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, york)) {
            for (int i = 0; i < 30; i++) {
                for (Object[] client : new Object[][] {{a, "Asia/Tokyo", "tokyo"}, {b, "America/New_York", "york"}}) {
                    Connection connection = (Connection) client[0];
                    connection.setAutoCommit(false);
                    ResultSet rs = connection.createStatement().executeQuery(
                            "SELECT current_setting('TimeZone'), current_setting('application_name'), pg_backend_pid()");
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(client[1]);
                    assertThat(rs.getString(2)).isEqualTo(client[2]);
                    pids.add(rs.getString(3));
                    connection.commit();
                    connection.setAutoCommit(true);
                }
            }
        }
        assertThat(pids).as("the clients moved between server connections").hasSizeGreaterThan(1);
    }

    @Test
    @Tag("nio")
    void psqlWorks() {
        assertThat(Psql.query(PG.endpoint(), "SELECT 1 + 1").orThrow().stdout().trim()).isEqualTo("2");
    }

    @Test
    void pgbenchInEveryModeWith50ClientsOver5Connections() {
        Endpoint pooler = PG.endpoint();
        assertThat(Pgbench.initialize(pooler, 1).succeeded()).isTrue();
        for (Pgbench.Mode mode : Pgbench.Mode.values()) {
            PgbenchResult result = Pgbench.against(pooler).mode(mode).clients(50).threads(2).transactions(20).run();
            assertThat(result.process().succeeded()).as("%s: %s", mode, result.process().describe()).isTrue();
            assertThat(result.failedTransactions()).as(mode.name()).hasValue(0);
            assertThat(result.processedTransactions()).as(mode.name()).hasValue(1000);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(5);
    }
}
