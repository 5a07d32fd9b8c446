package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.PairTransactions;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.Psql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/pgagroal-cli against the daemon in the transaction pipeline, in front of a real PostgreSQL:
 * pause and resume under pgbench, status details and terminate, in text and json, each effect
 * checked in the database.
 */
class SessionCommandsDaemonTest {

    private static final String USER = PairTransactions.USER;
    private static final String DATABASE = PairTransactions.DATABASE;
    private static final int CLIENTS = 4;
    private static final int TRANSACTIONS = 1500;

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private Path conf;
    private Process daemon;

    /** The pgbench transactions' log, in the database reached directly. */
    private static PairTransactions pairs;

    @BeforeAll
    static void benchDatabase() {
        pairs = PairTransactions.create(PG.postgres(), "pause_log");
    }

    private static long logged(int step) {
        return pairs.logged(step);
    }

    private BinCli cli(String... args) {
        return BinCli.run(conf, args);
    }

    /** Clients that status details shows waiting for a server connection. */
    private int waitingClients() {
        int waiting = 0;
        for (JsonNode connection : cli("-F", "json", "status", "details").json().at("/Response/Connections")) {
            waiting += connection.path("Waiting").asDouble() > 0 ? 1 : 0;
        }
        return waiting;
    }

    /**
     * blocking_timeout is 1 s and the pause lasts 2 s: a request held by the pause does not count it.
     * Transactions are two INSERTs around a sleep, so a transaction cut in two would show.
     */
    @Test
    void pauseHoldsPgbenchWithoutErrorsAndResumeLetsItFinish() throws Exception {
        int port = start();
        CompletableFuture<PgbenchResult> bench = pgbench(port);

        BinCli pause = cli("pause", DATABASE);
        assertThat(pause.status()).as(pause.result().describe()).isZero();
        assertThat(pause.out()).contains("Paused:").contains("  - " + DATABASE).contains("Status: true");
        Eventually.await("every pgbench client waits, and the transactions under way finished",
                () -> waitingClients() == CLIENTS && logged(1) == logged(2));
        long held = logged(2);
        assertThat(held).as("pgbench was paused mid-run").isLessThan((long) CLIENTS * TRANSACTIONS);
        assertThat(logged(1)).as("the transactions under way finished").isEqualTo(held);

        JsonNode details = cli("-F", "json", "status", "details").json();
        assertThat(details.at("/Header/Command").asText()).isEqualTo("status-details");
        assertThat(details.at("/Response/Paused/0").asText()).isEqualTo(DATABASE);
        List<Double> waiting = new ArrayList<>();
        details.at("/Response/Connections").forEach(c -> {
            if (c.path("Database").asText().equals(DATABASE)) {
                waiting.add(c.path("Waiting").asDouble());
            }
        });
        assertThat(waiting).as("every pgbench client waits: %s", details.at("/Response/Connections")).hasSize(CLIENTS).allSatisfy(w -> assertThat(w).isPositive());

        Thread.sleep(2000);
        assertThat(logged(1)).as("no transaction started while paused").isEqualTo(held);
        assertThat(logged(2)).isEqualTo(held);
        assertThat(bench).isNotDone();

        JsonNode resume = cli("-F", "json", "resume", DATABASE).json();
        assertThat(resume.at("/Header/Command").asText()).isEqualTo("resume");
        assertThat(resume.at("/Outcome/Status").asBoolean()).isTrue();
        assertThat(resume.at("/Response/Released").asInt()).isEqualTo(CLIENTS);
        assertThat(resume.at("/Response/Paused").size()).isZero();

        PgbenchResult result = bench.get(60, TimeUnit.SECONDS);
        assertThat(result.process().exitCode()).as(result.process().describe()).isZero();
        assertThat(result.failedTransactions()).hasValue(0);
        assertThat(result.processedTransactions()).hasValue((long) CLIENTS * TRANSACTIONS);
        assertThat(logged(2)).isEqualTo((long) CLIENTS * TRANSACTIONS);
    }

    /**
     * shutdown gracefully through the cli under pgbench (transaction pipeline): each client is ended at
     * a transaction end, so every transaction pgbench counted committed whole and none was cut.
     */
    @Test
    void shutdownGracefullyUnderPgbenchLosesNoTransaction() throws Exception {
        int port = start();
        CompletableFuture<PgbenchResult> bench = pgbench(port);

        BinCli shutdown = cli("shutdown", "gracefully");
        assertThat(shutdown.status()).as(shutdown.result().describe()).isZero();

        PgbenchResult result = bench.get(60, TimeUnit.SECONDS);
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).as("the daemon stops once the clients left").isTrue();
        assertThat(daemon.exitValue()).isZero();
        long processed = result.processedTransactions().orElseThrow();
        assertThat(processed).as("the shutdown came before the clients' end").isPositive().isLessThan((long) CLIENTS * TRANSACTIONS);
        assertThat(result.failedTransactions()).hasValue(0);
        assertThat(result.process().stderr()).contains("terminating connection due to administrator command")
                .doesNotContain("server closed the connection unexpectedly");
        assertThat(logged(1)).as("every transaction pgbench counted committed, and no other").isEqualTo(processed);
        assertThat(logged(2)).as("no transaction was cut between its two INSERTs").isEqualTo(processed);
    }

    /** pgbench with TRANSACTIONS per client of two INSERTs around a sleep, once its rows arrive. */
    private CompletableFuture<PgbenchResult> pgbench(int port) throws Exception {
        return pairs.start(new Endpoint("127.0.0.1", port, USER, null, DATABASE), dir, CLIENTS, TRANSACTIONS);
    }

    @Test
    void pauseOfEveryDatabaseHoldsANewClientAndShutdownStillWorks() throws Exception {
        int port = start();
        assertThat(cli("-F", "json", "pause").json().at("/Response/Paused/0").asText()).isEqualTo("*");
        CompletableFuture<Long> query = CompletableFuture.supplyAsync(() -> {
            try (Connection c = connect(port, null)) {
                ResultSet rs = c.createStatement().executeQuery("SELECT 42");
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.await("the new client waits", () -> waitingClients() == 1);
        assertThat(query).as("the query waits for resume").isNotDone();
        BinCli refused = cli("resume", DATABASE);
        assertThat(refused.out()).contains("Error: 2100").contains("resume * to resume them");
        assertThat(query).isNotDone();
        assertThat(cli("resume", "*").out()).contains("Released: 1");
        assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(42);

        try (Connection loggedIn = connect(port, null)) {
            cli("pause");
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    ResultSet rs = loggedIn.createStatement().executeQuery("SELECT 43");
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.await("the query waits", () -> waitingClients() == 1);
            assertThat(waiting).isNotDone();
            assertThat(cli("shutdown", "gracefully").status()).isZero();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).as("a graceful shutdown ends the pause").isEqualTo(43);
        }
    }

    @Test
    void anImmediateShutdownWhilePausedEndsTheWaitingClient() throws Exception {
        int port = start();
        try (Connection loggedIn = connect(port, null)) {
            cli("pause", DATABASE);
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return select(loggedIn, 44);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.await("the query waits", () -> waitingClients() == 1);
            assertThat(waiting).isNotDone();
            assertThat(cli("shutdown", "immediate").status()).isZero();
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SQLException.class)
                    .rootCause().hasMessageContaining("terminating connection due to administrator command");
            assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isZero();
        }
    }

    /** What is not done says why: clear prometheus (no metrics), conf set of an hba key (a file and a reload). */
    @Test
    void clearPrometheusAndConfSetOfAnHbaKeySayWhy() throws Exception {
        start();
        JsonNode clear = cli("-F", "json", "clear", "prometheus").json();
        assertThat(clear.at("/Header/Command").asText()).isEqualTo("clear");
        assertThat(clear.at("/Outcome/Error").asInt()).isEqualTo(100);
        assertThat(clear.at("/Outcome/Message").asText()).isEqualTo("clear prometheus is not supported yet: the pooler has no metrics yet");

        BinCli set = cli("conf", "set", "hba.all.method", "reject");
        assertThat(set.status()).isEqualTo(1);
        assertThat(set.out()).contains("Error: 1002").contains("change pgagroal_hba.conf and run conf reload");
        BinCli restart = cli("-F", "json", "conf", "set", "max_connections", "20");
        assertThat(restart.json().at("/Response/status").asText()).isEqualTo("success_restart_required");
        assertThat(cli("conf", "get", "max_connections").out()).as("nothing changed").isEqualTo("8\n");
    }

    private static long select(Connection connection, int value) throws SQLException {
        ResultSet rs = connection.createStatement().executeQuery("SELECT " + value);
        rs.next();
        return rs.getLong(1);
    }

    /**
     * status details names each session (id, user, database, application_name, pin reason) and each
     * server connection (slot, state, backend pid); terminate ends one session: its client reads
     * FATAL 57P01 and its open transaction is rolled back.
     */
    @Test
    void statusDetailsListsSessionsAndConnectionsAndTerminateEndsOne() throws Exception {
        int port = start();
        try (Connection pinned = connect(port, "pinned-app"); Connection victim = connect(port, "victim-app")) {
            pinned.createStatement().execute("CREATE TEMPORARY TABLE t (x int)");
            ResultSet pid = pinned.createStatement().executeQuery("SELECT pg_backend_pid()");
            pid.next();
            int backendPid = pid.getInt(1);
            victim.setAutoCommit(false);
            victim.createStatement().execute("INSERT INTO pause_log VALUES (99, 99)");

            JsonNode details = cli("-F", "json", "status", "details").json().path("Response");
            JsonNode pinnedSession = session(details, "pinned-app");
            JsonNode victimSession = session(details, "victim-app");
            assertThat(pinnedSession.path("Pin").asText()).startsWith("CREATE TEMPORARY");
            assertThat(pinnedSession.path("Username").asText()).isEqualTo(USER);
            assertThat(pinnedSession.path("Database").asText()).isEqualTo(DATABASE);
            assertThat(pinnedSession.path("Address").asText()).isEqualTo("127.0.0.1");
            assertThat(victimSession.path("Pin").isNull()).isTrue();
            assertThat(victimSession.path("Slot").asInt()).as("inside a transaction it holds a connection").isNotNegative();
            JsonNode held = null;
            for (JsonNode c : details.path("ServerConnections")) {
                if (c.path("PID").asInt() == backendPid) {
                    held = c;
                }
            }
            assertThat(held).as("the pinned session's backend among %s", details.path("ServerConnections")).isNotNull();
            assertThat(held.path("State").asText()).isEqualTo("in_use");
            assertThat(held.path("Username").asText()).isEqualTo(USER);
            assertThat(held.path("Slot").asInt()).isEqualTo(pinnedSession.path("Slot").asInt());
            assertThat(held.path("Age").asDouble()).isPositive();

            String text = cli("status", "details").out();
            assertThat(text).contains("AppName: victim-app").contains("Pin: CREATE TEMPORARY").contains("ServerConnections:")
                    .contains("PID: " + backendPid);

            BinCli terminate = cli("-F", "json", "terminate", victimSession.path("Id").asText());
            assertThat(terminate.json().at("/Outcome/Status").asBoolean()).as(terminate.out()).isTrue();
            assertThat(terminate.json().at("/Response/Username").asText()).isEqualTo(USER);
            assertThatThrownBy(() -> victim.createStatement().execute("SELECT 1")).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("57P01");
                assertThat(e.getMessage()).contains("terminating connection due to administrator command");
            });
            assertThat(Long.parseLong(Psql.query(pairs.database(), "SELECT count(*) FROM pause_log WHERE client = 99").orThrow().stdout().trim()))
                    .as("the terminated session's transaction was rolled back").isZero();
            assertThat(pinned.createStatement().executeQuery("SELECT count(*) FROM t").next()).as("other sessions go on").isTrue();

            BinCli unknown = cli("terminate", "999999");
            assertThat(unknown.out()).contains("Error: 2200").contains("no live session has id 999999");
        }
    }

    private static JsonNode session(JsonNode details, String applicationName) {
        for (JsonNode c : details.path("Connections")) {
            if (c.path("AppName").asText().equals(applicationName)) {
                return c;
            }
        }
        throw new AssertionError("no session of " + applicationName + " in " + details.path("Connections"));
    }

    private static Connection connect(int port, String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PairTransactions.PASSWORD);
        properties.setProperty("assumeMinServerVersion", "15");
        if (applicationName != null) {
            properties.setProperty("ApplicationName", applicationName);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, properties);
    }

    /** The daemon in the transaction pipeline, with a users vault (the pipeline needs one) and trust at the pooler. */
    private int start() throws Exception {
        int port = Ports.free();
        daemon = PG.startWithVault(dir, port, USER, PairTransactions.PASSWORD, """
                pipeline = transaction
                allow_unknown_users = off
                max_connections = 8
                blocking_timeout = 1""", DATABASE + " " + USER + " " + CLIENTS + " 1 1");
        conf = dir.resolve("pgagroal.conf");
        return port;
    }
}
