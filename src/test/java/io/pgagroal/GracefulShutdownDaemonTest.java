package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.PairTransactions;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTRAP to the daemon while pgbench runs transactions of two INSERTs through it (the pair shows
 * whether a transaction completed whole): in the session pipeline every client runs its fixed count
 * to the end while new clients get 57P03, and the daemon waits for the last client, one the test
 * holds (so that pgbench finishing early cannot stop the daemon before the 57P03 is seen); in the
 * transaction pipeline each client is ended with FATAL 57P01 at the end of a transaction, so every
 * transaction pgbench counts committed whole and none was cut. Either way the daemon then exits 0
 * by itself. And SIGTERM: psql, waiting for a query, is told FATAL 57P01 rather than finding the
 * connection closed.
 */
class GracefulShutdownDaemonTest {

    private static final String USER = PairTransactions.USER;
    private static final String DATABASE = PairTransactions.DATABASE;
    private static final int CLIENTS = 4;
    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    /** The pgbench transactions' log, in the database reached directly. */
    private static PairTransactions pairs;

    @BeforeAll
    static void benchDatabase() {
        pairs = PairTransactions.create(PG.postgres(), "shutdown_log");
    }

    private static long logged(int step) {
        return pairs.logged(step);
    }

    @Test
    void sessionPipelineLetsEveryClientFinish() throws Exception {
        int port = Ports.free();
        Process daemon = start(port, "session");
        Connection held = DriverManager.getConnection(url(port), USER, null);
        CompletableFuture<PgbenchResult> bench = pgbench(port, 300);
        Daemon.signal(daemon, "TRAP");
        // the JVM handles the signal on a thread of its own: a client may still get in just after kill returns
        for (int i = 0; i < 50 && acceptsClients(port); i++) {
            Thread.sleep(100);
        }

        assertThatThrownBy(() -> DriverManager.getConnection(url(port), USER, null))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("57P03");
                    assertThat(e.getMessage()).contains("the pooler is shutting down");
                });

        PgbenchResult result = bench.get(60, TimeUnit.SECONDS);
        assertThat(result.process().exitCode()).as(result.process().describe()).isZero();
        assertThat(result.processedTransactions()).hasValue(CLIENTS * 300L);
        assertThat(result.failedTransactions()).hasValue(0);
        assertThat(daemon.waitFor(300, TimeUnit.MILLISECONDS)).as("the daemon waits for the held client").isFalse();
        try (held; Statement statement = held.createStatement(); ResultSet rows = statement.executeQuery("SELECT 42")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).as("a running session is served to its end").isEqualTo(42);
        }
        assertStopsByItself(daemon);
        assertThat(logged(1)).isEqualTo(CLIENTS * 300L);
        assertThat(logged(2)).isEqualTo(CLIENTS * 300L);
        assertThat(Files.readString(dir.resolve("console.log"))).contains("Received SIGTRAP").contains("pgagroal stopped");
    }

    @Test
    void transactionPipelineEndsEachClientAtATransactionEnd() throws Exception {
        int port = Ports.free();
        Process daemon = start(port, "transaction");
        CompletableFuture<PgbenchResult> bench = pgbench(port, 3000);
        Daemon.signal(daemon, "TRAP");

        PgbenchResult result = bench.get(60, TimeUnit.SECONDS);
        assertStopsByItself(daemon);
        long processed = result.processedTransactions().orElseThrow();
        assertThat(processed).as("the shutdown came before the clients' end").isPositive().isLessThan(CLIENTS * 3000L);
        assertThat(result.failedTransactions()).hasValue(0);
        assertThat(result.process().stderr()).contains("terminating connection due to administrator command")
                .doesNotContain("server closed the connection unexpectedly");
        assertThat(logged(1)).as("every transaction pgbench counted committed, and no other").isEqualTo(processed);
        assertThat(logged(2)).as("no transaction was cut between its two INSERTs").isEqualTo(processed);
    }

    @Test
    void sigtermTellsAClientMidQuery() throws Exception {
        int port = Ports.free();
        Process daemon = start(port, "session");
        Endpoint pooler = new Endpoint("127.0.0.1", port, USER, null, DATABASE);
        CompletableFuture<ProcessResult> psql = CompletableFuture.supplyAsync(() -> Psql.query(pooler, "SELECT pg_sleep(3)"));
        for (int i = 0; i < 250 && Psql.query(pairs.database(), "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(3)'")
                .orThrow().stdout().trim().equals("0"); i++) {
            Thread.sleep(20);
        }
        daemon.destroy();

        ProcessResult result = psql.get(30, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("FATAL:  terminating connection due to administrator command");
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isZero();
    }

    private static boolean acceptsClients(int port) {
        try {
            DriverManager.getConnection(url(port), USER, null).close();
            return true;
        } catch (SQLException refused) {
            return false;
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    private static void assertStopsByItself(Process daemon) throws InterruptedException {
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).as("pgagroal stops once the clients left").isTrue();
        assertThat(daemon.exitValue()).isZero();
    }

    /** pgbench running {@code transactions} per client through the pooler; returns once rows arrive. */
    private CompletableFuture<PgbenchResult> pgbench(int port, int transactions) throws Exception {
        return pairs.start(new Endpoint("127.0.0.1", port, USER, null, DATABASE), dir, CLIENTS, transactions);
    }

    /** The daemon with a users vault (the transaction pipeline needs one) and trust at the pooler. */
    private Process start(int port, String pipeline) throws Exception {
        return PG.startWithVault(dir, port, USER, PairTransactions.PASSWORD, """
                pipeline = %s
                allow_unknown_users = off
                max_connections = 8
                blocking_timeout = 30""".formatted(pipeline), DATABASE + " " + USER + " " + (CLIENTS + 1) + " 1 1");
    }
}
