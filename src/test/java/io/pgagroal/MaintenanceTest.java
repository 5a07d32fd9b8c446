package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.testing.Command;
import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool's maintenance timers against a real PostgreSQL: idle_timeout, max_connection_age,
 * validation (foreground and background), disconnect_client(_force), and the prefill coming back
 * to min_size after a PostgreSQL restart or when PostgreSQL starts after the pooler.
 */
class MaintenanceTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static void start(Consumer<PgagroalConfig.Builder> options) throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, options, "host all all all scram-sha-256");
    }

    /** The application role's backends, by pid. */
    private static List<String> backends() {
        String pids = PG.postgres().query("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity WHERE usename = 'app'").trim();
        return pids.isEmpty() ? List.of() : List.of(pids.split(","));
    }

    private static void awaitBackends(int expected) throws InterruptedException {
        Eventually.await(expected + " backends of app", () -> backends().size() == expected);
    }

    private static String pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Connects, notes its backend, leaves; the connection stays FREE in the pool. */
    private static String useOnce() throws Exception {
        String pid;
        try (Connection connection = PG.connect()) {
            pid = pid(connection);
        }
        PG.awaitIdle();
        assertThat(backends()).containsExactly(pid);
        return pid;
    }

    @Test
    void idleTimeoutClosesAnUnusedPooledConnection() throws Exception {
        start(b -> b.set("idle_timeout", "5"));
        String pid = useOnce();
        Thread.sleep(3000);
        try (Connection connection = PG.connect()) {
            assertThat(pid(connection)).as("still pooled before idle_timeout").isEqualTo(pid);
        }
        PG.awaitIdle();
        Thread.sleep(3000);
        assertThat(backends()).as("the last use counts, not the creation").containsExactly(pid);
        awaitBackends(0);
        assertThat(PG.pooler().totalConnections()).isZero();
    }

    @Test
    void maxConnectionAgeClosesOldConnectionsInThePoolAndWhenReturned() throws Exception {
        start(b -> b.set("max_connection_age", "3"));
        String pid = useOnce();
        awaitBackends(0);

        String old;
        try (Connection connection = PG.connect()) {
            old = pid(connection);
            Thread.sleep(3500);
        }
        PG.awaitIdle();
        try (Connection connection = PG.connect()) {
            assertThat(pid(connection)).as("a connection older than max_connection_age is closed when returned").isNotIn(old, pid);
        }
    }

    @Test
    void foregroundValidationNeverHandsOutATerminatedConnection() throws Exception {
        start(b -> b.set("validation", "foreground"));
        for (int i = 0; i < 5; i++) {
            String pid = useOnce();
            PG.postgres().execute("SELECT pg_terminate_backend(" + pid + ")");
            try (Connection connection = PG.connect()) {
                assertThat(pid(connection)).as("the next query runs on a fresh connection").isNotEqualTo(pid);
            }
            PG.awaitIdle();
        }
    }

    /**
     * A backend that stops answering (SIGSTOP) tells the pool nothing; only a SELECT 1 finds it out:
     * the client is given another connection after the check's time limit instead of hanging.
     */
    @Test
    void foregroundValidationReplacesAConnectionThatDoesNotAnswer() throws Exception {
        start(b -> b.set("validation", "foreground").set("authentication_timeout", "2"));
        String pid = useOnce();
        signal("STOP", pid);
        try (Connection connection = PG.connect()) {
            connection.setNetworkTimeout(Runnable::run, 10_000);
            assertThat(pid(connection)).isNotEqualTo(pid);
        } finally {
            signal("CONT", pid);
        }
    }

    @Test
    void backgroundValidationClosesADeadConnectionWithinAnInterval() throws Exception {
        start(b -> b.set("validation", "background").set("background_interval", "5").set("authentication_timeout", "1"));
        String stopped = useOnce();
        signal("STOP", stopped);
        try {
            Eventually.await("the connection that did not answer SELECT 1 left the pool", () -> PG.pooler().totalConnections() == 0);
        } finally {
            signal("CONT", stopped);
        }
        String alive = useOnce();
        Thread.sleep(6500);
        assertThat(backends()).as("a connection that answers stays").containsExactly(alive);
        assertThat(PG.pooler().totalConnections()).isEqualTo(1);
    }

    @Test
    void disconnectClientEndsIdleClientsButNotActiveOnes() throws Exception {
        start(b -> b.set("disconnect_client", "2"));
        try (Connection active = PG.connect(); Connection idle = PG.connect()) {
            assertThat(pid(idle)).isNotEmpty();
            try (Statement statement = active.createStatement()) {
                statement.execute("SELECT pg_sleep(5)");
            }
            assertThatThrownBy(() -> pid(idle)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57P05"));
            assertThat(pid(active)).as("a client running a statement is not idle").isNotEmpty();
        }
    }

    @Test
    void disconnectClientForceEndsActiveClientsToo() throws Exception {
        start(b -> b.set("disconnect_client", "2").set("disconnect_client_force", "on"));
        try (Connection active = PG.connect(); Statement statement = active.createStatement()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(10)")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        awaitBackends(0);
    }

    @Test
    void transactionPipelineNeverHandsOutATerminatedConnection() throws Exception {
        start(b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off").set("blocking_timeout", "0").set("validation", "foreground")
                .limit("appdb app 2 1 1"));
        awaitBackends(1);
        try (Connection connection = PG.connect()) {
            String pid = transactionPid(connection);
            for (int i = 0; i < 20; i++) {
                assertThat(transactionPid(connection)).isEqualTo(pid);
            }
            PG.postgres().execute("SELECT pg_terminate_backend(" + pid + ")");
            assertThat(transactionPid(connection)).as("the next transaction runs on a fresh connection").isNotEqualTo(pid);
        }
    }

    /** The backend running this transaction, found without pg_backend_pid(), which pins the connection to the client. */
    private static String transactionPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT pid::text FROM pg_stat_activity WHERE usename = 'app' AND state = 'active'")) {
            rs.next();
            String pid = rs.getString(1);
            assertThat(rs.next()).as("one active backend").isFalse();
            return pid;
        }
    }

    @Test
    void transactionPipelineBackgroundValidationReplacesAStoppedConnection() throws Exception {
        start(b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off").set("blocking_timeout", "0").set("validation", "background")
                .set("background_interval", "5").set("authentication_timeout", "1").limit("appdb app 2 1 1"));
        awaitBackends(1);
        String stopped = backends().get(0);
        signal("STOP", stopped);
        try {
            Eventually.await("the prefill replaced the connection validation closed", () -> backends().size() == 2);
        } finally {
            signal("CONT", stopped);
        }
        awaitBackends(1);
        try (Connection connection = PG.connect()) {
            assertThat(pid(connection)).isNotEqualTo(stopped);
        }
    }

    /** max_retries bounds the immediate retries: a full pool still refuses at once. */
    @Test
    void maxRetriesWithBlockingTimeoutZeroStillRefusesAFullPoolAtOnce() throws Exception {
        start(b -> b.set("max_connections", "1").set("blocking_timeout", "0").set("max_retries", "100000"));
        try (Connection held = PG.connect()) {
            assertThat(pid(held)).isNotEmpty();
            long started = System.nanoTime();
            assertThatThrownBy(PG::connect).isInstanceOf(SQLException.class).hasMessageContaining("pool is full");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        PG.awaitIdle();
        try (Connection connection = PG.connect()) {
            assertThat(pid(connection)).isNotEmpty();
        }
    }

    @Test
    void prefillComesBackAfterPostgresRestarts() throws Exception {
        start(b -> b.limit("appdb app 4 2 2"));
        awaitBackends(2);
        PG.postgres().restart();
        awaitBackends(2);
        try (Connection connection = PG.connect()) {
            assertThat(backends()).contains(pid(connection));
        }
    }

    @Test
    void prefillFillsWhenPostgresStartsAfterThePooler() throws Exception {
        PG.postgres().pause();
        try {
            start(b -> b.limit("appdb app 4 2 1"));
            Thread.sleep(2000);
        } finally {
            PG.postgres().resume();
        }
        awaitBackends(2);
        assertThat(PG.pooler().totalConnections()).as("initial_size, not min_size").isEqualTo(2);
    }

    private static void signal(String signal, String pid) {
        assertThat(Command.of("kill", "-" + signal, pid).run(Duration.ofSeconds(10)).succeeded()).isTrue();
    }
}
