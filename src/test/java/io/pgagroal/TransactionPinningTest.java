package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.util.PSQLException;

/**
 * Statements whose effect outlives the transaction pin their client to its connection in the
 * transaction pipeline (issue 9, findings 3, 5 and 6): the client keeps working as on a connection
 * of its own, the others never see what it left there, and transaction_pinning = error refuses
 * such a statement by name. Clients A and B share a pool of two connections, and a third client
 * holds one of them in a transaction while A or B runs a statement: without pinning B would run on
 * A's connection and A on the other one (the pool gives a new client the least recently used
 * connection, and a client the one it had last when it is free).
 */
class TransactionPinningTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    /** A thread per concurrent client (the common pool may have a single thread on two cores). */
    private static final Executor CLIENTS = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void aRoleTheUserIsAMemberOf() {
        PG.postgres().execute("CREATE ROLE app_reader NOLOGIN; GRANT app_reader TO " + PoolerExtension.USER);
    }

    /** The transaction pipeline with this pinning policy over a pool of this many connections. */
    private static void pooler(String pinning, int connections) throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_connections", "10").set("blocking_timeout", "10").set("transaction_pinning", pinning)
                .limit(PoolerExtension.DATABASE + " " + PoolerExtension.USER + " " + connections + " " + connections + " " + connections),
                "host all all all scram-sha-256");
    }

    private static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A new psql client's answer to one query. */
    private static String psqlOne(String sql) {
        return Psql.query(PG.endpoint(), sql).orThrow().stdout().strip();
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String sqlState(Connection connection, String sql) {
        try {
            execute(connection, sql);
            return "no error";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /**
     * Runs {@code call} while a new client holds a connection in a transaction, which it ends after
     * 300 ms: with a pool of two, a call that may not take the other connection waits for this one.
     */
    private static <T> T whileAnotherClientHoldsOne(SqlCall<T> call) throws Exception {
        try (Connection holder = PG.connect()) {
            holder.setAutoCommit(false);
            one(holder, "SELECT 1");
            CompletableFuture<T> result = async(call);
            Thread.sleep(300);
            holder.commit();
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    private static <T> CompletableFuture<T> async(SqlCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, CLIENTS);
    }

    /**
     * With a pool of one connection, B asks for it while A, pinned, goes on using it: B gets it,
     * reset, only once A has left (without pinning B would run at once, in A's session). Returns
     * B's result.
     */
    private static <T> T waitsForThePinnedClient(Connection a, SqlCall<?> aGoesOn, SqlCall<T> b) throws Exception {
        CompletableFuture<T> result = async(b);
        Thread.sleep(300);
        assertThat(result).as("B waits while A holds the only connection").isNotDone();
        aGoesOn.call();
        aGoesOn.call();
        a.close();
        return result.get(30, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Finding 3: after SET ROLE the client keeps working as the role; the next client is not it. */
    @Test
    void setRoleStaysWithItsClient() throws Exception {
        pooler("pin", 2);
        try (Connection a = PG.connect(); Connection b = PG.connect()) {
            execute(a, "SET ROLE app_reader");
            for (int i = 0; i < 5; i++) {
                assertThat(one(a, "SELECT current_user")).isEqualTo("app_reader");
                assertThat(whileAnotherClientHoldsOne(() -> one(b, "SELECT current_user"))).isEqualTo("app");
                assertThat(whileAnotherClientHoldsOne(() -> one(a, "SELECT current_user"))).isEqualTo("app_reader");
            }
        }
        PG.awaitIdle();
        for (int i = 0; i < 3; i++) {
            try (Connection next = PG.connect()) {
                assertThat(one(next, "SELECT current_user || ' ' || current_setting('is_superuser')")).isEqualTo("app off");
            }
        }
    }

    @Test
    void setRoleStaysWithItsPsqlClient() throws Exception {
        pooler("pin", 1);
        ProcessResult psql = Psql.script(PG.endpoint(), Map.of(), """
                SET ROLE app_reader;
                SELECT current_user;
                BEGIN;
                SELECT current_user;
                COMMIT;
                SELECT current_user;
                """);
        assertThat(psql.succeeded()).as(psql.describe()).isTrue();
        assertThat(psql.stdout().lines()).containsExactly("app_reader", "app_reader", "app_reader");
        PG.awaitIdle();
        assertThat(psqlOne("SELECT current_user")).isEqualTo("app");
    }

    /** Finding 5: a client that LISTENs receives another client's NOTIFY. */
    @Test
    void listeningJdbcClientReceivesNotify() throws Exception {
        pooler("pin", 2);
        try (Connection a = PG.connect(); Connection b = PG.connect()) {
            execute(a, "LISTEN ch");
            execute(b, "NOTIFY ch, 'first'");
            whileAnotherClientHoldsOne(() -> {
                execute(b, "NOTIFY ch, 'second'");
                return null;
            });
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 10 && payloads.size() < 2; i++) {
                PGNotification[] notifications = a.unwrap(PGConnection.class).getNotifications(1000);
                for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                    payloads.add(notification.getName() + ":" + notification.getParameter());
                }
            }
            assertThat(payloads).containsExactly("ch:first", "ch:second");
        }
    }

    /**
     * psql LISTENs, then sleeps in a shell command (holding no connection unless pinned) while
     * another client sends NOTIFY and a third holds a connection; psql prints the notification
     * with the result of its next statement.
     */
    @Test
    void listeningPsqlReceivesNotify() throws Exception {
        pooler("pin", 2);
        CompletableFuture<ProcessResult> listener = CompletableFuture.supplyAsync(() -> Psql.script(PG.endpoint(), Map.of(), """
                LISTEN ch;
                \\! sleep 5
                SELECT 'after';
                """), CLIENTS);
        Eventually.await("psql has run LISTEN", () -> PG.postgres()
                .query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN ch%'").equals("1"));
        try (Connection b = PG.connect()) {
            execute(b, "NOTIFY ch, 'from-jdbc'");
        }
        ProcessResult psql;
        try (Connection holder = PG.connect()) {
            holder.setAutoCommit(false);
            one(holder, "SELECT 1");
            psql = listener.get(30, TimeUnit.SECONDS);
            holder.commit();
        }
        assertThat(psql.succeeded()).as(psql.describe()).isTrue();
        assertThat(psql.stdout()).contains("Asynchronous notification \"ch\" with payload \"from-jdbc\" received");
    }

    /**
     * Finding 5: pg_backend_pid() names the client's own backend, so pg_terminate_backend on it
     * ends the client with PostgreSQL's FATAL 57P01 instead of leaving it waiting.
     */
    @Test
    void terminatingTheClientsOwnBackendReturnsTheError() throws Exception {
        pooler("pin", 2);
        Properties properties = new Properties();
        properties.setProperty("socketTimeout", "15");
        try (Connection a = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties); Connection b = PG.connect()) {
            String pid = one(a, "SELECT pg_backend_pid()");
            assertThat(PG.postgres().query("SELECT usename FROM pg_stat_activity WHERE pid = " + pid)).isEqualTo("app");
            assertThat(one(b, "SELECT 1")).isEqualTo("1");
            assertThat(whileAnotherClientHoldsOne(() -> sqlState(a, "SELECT pg_terminate_backend(" + pid + ")"))).isEqualTo("57P01");
        }
        try (Connection next = PG.connect()) {
            assertThat(one(next, "SELECT 1")).isEqualTo("1");
        }
    }

    /** Finding 6: a session advisory lock is held by A across transactions, and released when A leaves. */
    @Test
    void sessionAdvisoryLockIsHeldUntilItsClientLeaves() throws Exception {
        pooler("pin", 2);
        try (Connection b = PG.connect()) {
            try (Connection a = PG.connect()) {
                execute(a, "SELECT pg_advisory_lock(42)");
                assertThat(one(a, "SELECT 1")).isEqualTo("1");
                assertThat(whileAnotherClientHoldsOne(() -> one(a, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")))
                        .as("A's locks, seen from A's backend").isEqualTo("1");
                assertThat(whileAnotherClientHoldsOne(() -> one(b, "SELECT pg_try_advisory_lock(42)"))).isEqualTo("f");
            }
            PG.awaitIdle();
            assertThat(one(b, "SELECT pg_try_advisory_lock(42)")).as("after A left").isEqualTo("t");
        }
    }

    /**
     * Finding 6: what A's statement leaves in its session (a temporary table, a WITH HOLD cursor, a
     * statement prepared in SQL) lasts through A's later transactions, and B never sees it: over two
     * connections while a third client holds one, and over one, where B waits for A to leave.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            temporary table  | CREATE TEMPORARY TABLE tt AS SELECT 42 AS x                 | SELECT x FROM tt          | SELECT * FROM tt  | 42P01
            WITH HOLD cursor | DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT generate_series(42, 44) | FETCH ABSOLUTE 1 FROM c | FETCH 1 FROM c | 34000
            SQL PREPARE      | PREPARE twice(int) AS SELECT $1 * 2                         | EXECUTE twice(21)         | EXECUTE twice(1)  | 26000
            """)
    void sessionObjectIsItsClientsAlone(String what, String create, String aUses, String bTries, String bError) throws Exception {
        pooler("pin", 2);
        try (Connection a = PG.connect(); Connection b = PG.connect()) {
            execute(a, create);
            for (int i = 0; i < 3; i++) {
                assertThat(whileAnotherClientHoldsOne(() -> sqlState(b, bTries))).isEqualTo(bError);
                assertThat(whileAnotherClientHoldsOne(() -> one(a, aUses))).isEqualTo("42");
                assertThat(one(a, aUses)).isEqualTo("42");
            }
        }
        pooler("pin", 1);
        try (Connection a = PG.connect(); Connection b = PG.connect()) {
            execute(a, create);
            assertThat(waitsForThePinnedClient(a, () -> one(a, aUses), () -> sqlState(b, bTries))).isEqualTo(bError);
        }
    }

    /** transaction_pinning = error refuses LISTEN with 0A000, naming it, and the session goes on. */
    @Test
    void errorPolicyRefusesListenByName() throws Exception {
        pooler("error", 2);
        try (Connection a = PG.connect()) {
            assertThatThrownBy(() -> execute(a, "LISTEN x"))
                    .isInstanceOf(PSQLException.class)
                    .hasMessageContaining("LISTEN")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            assertThat(one(a, "SELECT 1")).isEqualTo("1");
        }
        ProcessResult psql = Psql.script(PG.endpoint(), Map.of(), "LISTEN x;\n");
        assertThat(psql.succeeded()).isFalse();
        assertThat(psql.stderr()).contains("LISTEN").contains("refused in the transaction pipeline");
        assertThat(psqlOne("SELECT 1")).isEqualTo("1");
    }

    /**
     * transaction_pinning = off lets LISTEN through as upstream does, unpinned: over one connection
     * another client runs while the listener is still connected.
     */
    @Test
    void offPolicyLetsListenThroughUnpinned() throws Exception {
        pooler("off", 1);
        try (Connection a = PG.connect()) {
            execute(a, "LISTEN x");
            assertThat(psqlOne("SELECT 1")).as("another client, while the listener is connected").isEqualTo("1");
            assertThat(one(a, "SELECT 1")).isEqualTo("1");
        }
    }
}
