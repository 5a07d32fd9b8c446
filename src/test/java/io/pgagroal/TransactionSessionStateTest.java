package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import io.pgagroal.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each client of the transaction pipeline sees the session state PostgreSQL would hold for it on a
 * connection of its own (issue 9, findings 1, 2 and 6, and the interleaving it must show): what a
 * client set, at startup or with SET, follows it from connection to connection and never reaches
 * another client. Pools of one or two connections make the clients share them; what was stored is
 * read directly from PostgreSQL.
 */
class TransactionSessionStateTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    /** A thread per concurrent client (the common pool may have a single thread on two cores). */
    private static final Executor CLIENTS = Executors.newVirtualThreadPerTaskExecutor();

    /** 'é€' in UTF-8, as PostgreSQL stores it when a UTF8 client sends it. */
    private static final String E_EURO_UTF8 = "c3a9e282ac";

    @BeforeAll
    static void schemas() {
        PG.postgres().execute("GRANT CREATE ON SCHEMA public TO " + PoolerExtension.USER);
        Psql.script(direct(), """
                CREATE SCHEMA acc_tenant;
                CREATE SCHEMA tenant_a;
                CREATE SCHEMA tenant_b;
                CREATE SCHEMA x;
                CREATE TABLE public.orders (v text);
                CREATE TABLE acc_tenant.orders (v text);
                CREATE TABLE public.texts (client text, v text);
                CREATE TABLE tenant_a.t (i int, v text);
                CREATE TABLE tenant_b.t (i int, v text);
                """).orThrow();
    }

    /** The application role straight to PostgreSQL, in the test database. */
    private static Endpoint direct() {
        return PG.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE);
    }

    private static String directly(String sql) {
        return Psql.query(direct(), sql).orThrow().stdout().strip();
    }

    /** The stored bytes of a text column, in hex, as PostgreSQL holds them (the database is UTF8). */
    private static String storedHex(String table, String where) {
        return directly("SELECT string_agg(DISTINCT encode(convert_to(v, 'UTF8'), 'hex'), ',') FROM " + table + " WHERE " + where);
    }

    /** The transaction pipeline over a pool of this many connections, all opened at once. */
    private static void pool(int connections) throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_connections", "10").set("blocking_timeout", "10")
                .limit(PoolerExtension.DATABASE + " " + PoolerExtension.USER + " " + connections + " " + connections + " " + connections),
                "host all all all trust");
    }

    /** A client that sends no client_encoding at startup (as libpq without PGCLIENTENCODING, psycopg2). */
    private static RawClient plainClient() throws Exception {
        return RawClient.connect("127.0.0.1", PG.pooler().port(), PoolerExtension.USER, PoolerExtension.DATABASE);
    }

    private static Connection connect(String options) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("options", options);
        return PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
    }

    private static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Finding 1: over a pool of one connection, a client sets LATIN1 and leaves; the next client
     * (LATIN1 is not its) stores 'é€'.
     */
    private static void afterALatin1Client() throws Exception {
        pool(1);
        assertThat(Psql.script(PG.endpoint(), Map.of(), "SET client_encoding = LATIN1;\nSELECT 1;\n").orThrow().stdout().strip())
                .isEqualTo("1");
    }

    @Test
    void jdbcClientAfterALatin1ClientStoresUtf8() throws Exception {
        afterALatin1Client();
        try (Connection connection = PG.connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO texts VALUES ('jdbc', ?)")) {
            insert.setString(1, "é€");
            insert.executeUpdate();
            assertThat(one(connection, "SHOW client_encoding")).isEqualTo("UTF8");
        }
        assertThat(storedHex("texts", "client = 'jdbc'")).isEqualTo(E_EURO_UTF8);
    }

    /**
     * Finding 1 as found, at the protocol level: the next client sends no client_encoding at startup
     * and expects the server's UTF8 when it stores 'é€'. Then its own SET client_encoding = LATIN1
     * (which the connection may already have) brings the ParameterStatus PostgreSQL would send, and
     * a Latin-1 'é' is stored as such.
     */
    @Test
    void clientWithoutClientEncodingAfterALatin1Client() throws Exception {
        afterALatin1Client();
        try (RawClient client = plainClient()) {
            assertThat(client.query("INSERT INTO texts VALUES ('raw', 'é€') RETURNING v", StandardCharsets.UTF_8))
                    .containsExactly("D é€", "C INSERT 0 1");
            assertThat(client.query("SET client_encoding = LATIN1", StandardCharsets.ISO_8859_1))
                    .containsExactlyInAnyOrder("C SET", "S client_encoding=LATIN1");
            assertThat(client.query("INSERT INTO texts VALUES ('raw-latin1', 'é')", StandardCharsets.ISO_8859_1)).containsExactly("C INSERT 0 1");
        }
        assertThat(storedHex("texts", "client = 'raw'")).isEqualTo(E_EURO_UTF8);
        assertThat(storedHex("texts", "client = 'raw-latin1'")).isEqualTo("c3a9");
    }

    @Test
    void psqlClientAfterALatin1ClientStoresUtf8() throws Exception {
        afterALatin1Client();
        Psql.script(PG.endpoint(), Map.of("PGCLIENTENCODING", "UTF8"), "INSERT INTO texts VALUES ('psql', 'é€');\n").orThrow();
        assertThat(storedHex("texts", "client = 'psql'")).isEqualTo(E_EURO_UTF8);
    }

    /**
     * Finding 1, second part: a client's own SET client_encoding on a connection that already has
     * that encoding still reaches the client as ParameterStatus, as psql's \encoding shows.
     */
    @Test
    void setClientEncodingOnAConnectionAlreadyLatin1IsReported() throws Exception {
        afterALatin1Client();
        ProcessResult psql = Psql.script(PG.endpoint(), Map.of("PGCLIENTENCODING", "UTF8"), """
                SET client_encoding = LATIN1;
                \\encoding
                SHOW client_encoding;
                """).orThrow();
        assertThat(psql.stdout().strip().lines()).containsExactly("LATIN1", "LATIN1");
    }

    /** Finding 2: a client's startup option search_path does not reach the next client. */
    @Test
    void startupSearchPathDoesNotReachTheNextPsql() throws Exception {
        pool(1);
        Psql.script(PG.endpoint(), Map.of("PGOPTIONS", "-c search_path=acc_tenant"), "SELECT 1;\n").orThrow();
        Psql.query(PG.endpoint(), "INSERT INTO orders VALUES ('b')").orThrow();
        assertThat(directly("SELECT count(*) FROM public.orders WHERE v = 'b'")).isEqualTo("1");
        assertThat(directly("SELECT count(*) FROM acc_tenant.orders")).isEqualTo("0");
    }

    @Test
    void startupStatementTimeoutDoesNotReachTheNextJdbcClient() throws Exception {
        pool(1);
        try (Connection first = connect("-c statement_timeout=123")) {
            assertThat(one(first, "SHOW statement_timeout")).isEqualTo("123ms");
        }
        try (Connection next = PG.connect()) {
            assertThat(one(next, "SHOW statement_timeout")).isEqualTo("0");
        }
    }

    /**
     * Finding 2 and 6: SET outside a transaction follows its client through 20 transactions while
     * another client takes the one connection in between; the other client keeps the server's
     * default.
     */
    @Test
    void setOutsideATransactionFollowsItsClientOnly() throws Exception {
        pool(1);
        try (Connection a = PG.connect(); Connection b = PG.connect()) {
            a.createStatement().execute("SET search_path = x");
            for (int i = 0; i < 20; i++) {
                assertThat(one(b, "SHOW search_path")).as("transaction %d", i).isEqualTo("\"$user\", public");
                if (i % 2 == 0) {
                    a.setAutoCommit(false);
                }
                assertThat(one(a, "SHOW search_path")).as("transaction %d", i).isEqualTo("x");
                if (i % 2 == 0) {
                    a.commit();
                    a.setAutoCommit(true);
                }
            }
        }
    }

    /** Finding 6: default_transaction_read_only set by one client leaves the next one writable. */
    @Test
    void readOnlyDefaultStaysWithItsClient() throws Exception {
        pool(1);
        try (Connection a = PG.connect()) {
            a.createStatement().execute("SET default_transaction_read_only = on");
            assertThat(one(a, "SHOW default_transaction_read_only")).isEqualTo("on");
        }
        try (Connection b = PG.connect()) {
            assertThat(one(b, "SHOW default_transaction_read_only")).isEqualTo("off");
            b.createStatement().executeUpdate("INSERT INTO texts VALUES ('writer', 'w')");
        }
        assertThat(directly("SELECT count(*) FROM texts WHERE client = 'writer'")).isEqualTo("1");
    }

    /**
     * The interleaving issue 9 must show: a pgJDBC client (UTF8, search_path from its startup
     * options, TimeZone by SET, statement_timeout the server's) and a psql client (LATIN1 from its
     * startup, statement_timeout from PGOPTIONS, search_path and TimeZone by SET) run 1,000 transactions each
     * at the same time over 2 connections, with a third client that sets nothing running in between
     * so that the connections change hands. Every transaction sees its own client's values; the rows
     * land in each client's schema, with the bytes the same client stores directly.
     */
    @Test
    void twoClientsWithDifferentStatesInterleaveOverTwoConnections() throws Exception {
        pool(2);
        int transactions = 1000;
        CompletableFuture<Integer> jdbc = CompletableFuture.supplyAsync(() -> {
            int right = 0;
            try (Connection a = connect("-c search_path=tenant_a")) {
                a.createStatement().execute("SET TimeZone = 'Asia/Tokyo'");
                a.setAutoCommit(false);
                PreparedStatement show = a.prepareStatement(
                        "SELECT current_setting('search_path'), current_setting('TimeZone'), current_setting('statement_timeout')");
                PreparedStatement insert = a.prepareStatement("INSERT INTO t VALUES (?, ?)");
                for (int i = 0; i < transactions; i++) {
                    try (ResultSet rs = show.executeQuery()) {
                        rs.next();
                        if (rs.getString(1).equals("tenant_a") && rs.getString(2).equals("Asia/Tokyo") && rs.getString(3).equals("0")) {
                            right++;
                        }
                    }
                    insert.setInt(1, i);
                    insert.setString(2, "é€");
                    insert.executeUpdate();
                    a.commit();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return right;
        }, CLIENTS);
        CompletableFuture<Void> both = new CompletableFuture<>();
        CompletableFuture<Integer> plain = CompletableFuture.supplyAsync(() -> {
            int wrong = 0;
            try (Connection c = PG.connect()) {
                while (!both.isDone()) {
                    if (!one(c, "SELECT current_setting('search_path') || ' ' || current_setting('statement_timeout')").equals("\"$user\", public 0")) {
                        wrong++;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return wrong;
        }, CLIENTS);
        Map<String, String> latin1 = Map.of("PGCLIENTENCODING", "LATIN1", "PGOPTIONS", "-c statement_timeout=1234");
        StringBuilder script = new StringBuilder("SET search_path = tenant_b;\nSET TimeZone = 'America/New_York';\n");
        for (int i = 0; i < transactions; i++) {
            script.append("BEGIN;\nSELECT current_setting('search_path'), current_setting('TimeZone'),"
                    + " current_setting('statement_timeout'), current_setting('client_encoding');\n")
                    .append("INSERT INTO t VALUES (").append(i).append(", 'é');\nCOMMIT;\n");
        }
        ProcessResult psql = Psql.script(PG.endpoint(), latin1, script.toString());
        assertThat(psql.succeeded()).as(psql.describe()).isTrue();
        assertThat(psql.stdout().lines().distinct()).containsExactly("tenant_b|America/New_York|1234ms|LATIN1");
        assertThat(psql.stdout().lines().count()).isEqualTo(transactions);
        assertThat(jdbc.get(60, TimeUnit.SECONDS)).as("JDBC transactions that saw their own settings").isEqualTo(transactions);
        both.complete(null);
        assertThat(plain.get(60, TimeUnit.SECONDS)).as("transactions of the third client that saw another's settings").isZero();

        try (Connection a = DriverManager.getConnection(direct().jdbcUrl(), PoolerExtension.USER, PoolerExtension.PASSWORD)) {
            a.createStatement().executeUpdate("INSERT INTO tenant_a.t VALUES (-1, 'é€')");
        }
        Psql.script(direct(), latin1, "INSERT INTO tenant_b.t VALUES (-1, 'é');\n").orThrow();
        for (String schema : new String[] {"tenant_a", "tenant_b"}) {
            assertThat(directly("SELECT count(*) FROM " + schema + ".t WHERE i >= 0")).as(schema).isEqualTo(Integer.toString(transactions));
            assertThat(storedHex(schema + ".t", "true")).as("%s: one value, as stored directly", schema)
                    .isEqualTo(storedHex(schema + ".t", "i = -1"));
        }
        assertThat(storedHex("tenant_a.t", "true")).isEqualTo(E_EURO_UTF8);
        assertThat(storedHex("tenant_b.t", "true")).as("the script's UTF-8 bytes of 'é' read as LATIN1").isEqualTo("c383c2a9");
    }
}
