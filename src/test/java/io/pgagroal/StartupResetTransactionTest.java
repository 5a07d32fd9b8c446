package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import io.pgagroal.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * RESET, RESET ALL, SET ... TO DEFAULT and DISCARD ALL return a client's startup parameters to the
 * values it gave at startup, as on a connection of its own (issue 9, finding 7), in the transaction
 * pipeline, whose connections get a client's startup parameters with set_config, so that their own
 * reset values are the server's defaults. The same psql script, with the same startup options, runs
 * straight to PostgreSQL and through the pooler: the outputs, command tags included, are the same.
 */
class StartupResetTransactionTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    /** What a libpq user gives at startup: a list search_path, a statement_timeout, a time zone (PGTZ is sent as TimeZone). */
    static final Map<String, String> STARTUP = Map.of("PGOPTIONS", "-c search_path=tenant_a,x -c statement_timeout=4321",
            "PGTZ", "Asia/Tokyo", "PGAPPNAME", "resetter");

    /** Every form of reset, in the simple protocol, one Query each and several in one Query (psql's \;). */
    static final String SCRIPT = """
            SHOW search_path;
            SET search_path = public;
            RESET search_path;
            SHOW search_path;
            SET statement_timeout = 5000;
            SET TIME ZONE 'UTC';
            SET application_name = 'other';
            RESET ALL;
            SHOW search_path;
            SHOW statement_timeout;
            SHOW TimeZone;
            SHOW application_name;
            SET search_path = public;
            SET search_path TO DEFAULT;
            SHOW search_path;
            SET statement_timeout = 5000;
            SET SESSION statement_timeout = DEFAULT;
            SHOW statement_timeout;
            BEGIN;
            SET search_path = public;
            SET LOCAL search_path TO DEFAULT;
            SHOW search_path;
            COMMIT;
            SET TIME ZONE 'UTC';
            RESET TIME ZONE;
            SHOW TimeZone;
            SET TIME ZONE 'UTC';
            SET TIME ZONE DEFAULT;
            SHOW TimeZone;
            SET search_path = public \\; RESET search_path \\; SELECT current_setting('search_path');
            SET work_mem = '7MB';
            RESET work_mem;
            SHOW work_mem;
            """;

    /** DISCARD ALL ends a session's state: in the transaction pipeline, the client's parameters go back to its startup values. */
    static final String DISCARD_ALL = """
            SET search_path = public;
            SET statement_timeout = 5000;
            DISCARD ALL;
            SHOW search_path;
            SHOW statement_timeout;
            SHOW TimeZone;
            """;

    @BeforeAll
    static void schemas() {
        PG.postgres().execute("GRANT CREATE ON SCHEMA public TO " + PoolerExtension.USER);
        Psql.script(direct(), "CREATE SCHEMA tenant_a; CREATE SCHEMA x; CREATE TABLE tenant_a.t (v text); CREATE TABLE public.t (v text);\n").orThrow();
    }

    /** The transaction pipeline over one connection, which a client of other startup parameters used first. */
    @BeforeEach
    void onePooledConnection() throws Exception {
        PG.restartWithVault("transaction", b -> b.set("max_connections", "10").set("blocking_timeout", "10")
                .limit(PoolerExtension.DATABASE + " " + PoolerExtension.USER + " 1 1 1"), "host all all all trust");
        Psql.script(PG.endpoint(), Map.of("PGOPTIONS", "-c search_path=x -c statement_timeout=999"), "SELECT 1;\n").orThrow();
    }

    private static Endpoint direct() {
        return PG.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE);
    }

    @Test
    void psqlSeesWhatPostgresqlShows() {
        assertSameAsDirectly(PG, SCRIPT + DISCARD_ALL);
    }

    /** The script's output through the pooler is PostgreSQL's own, with the startup options of {@link #STARTUP}. */
    static void assertSameAsDirectly(PoolerExtension pg, String script) {
        String directly = Psql.scriptWithTags(pg.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE),
                STARTUP, script).orThrow().stdout();
        assertThat(directly).contains("RESET", "tenant_a,x", "4321ms", "Asia/Tokyo").doesNotContain("DO");
        String pooled = Psql.scriptWithTags(pg.endpoint(), STARTUP, script).orThrow().stdout();
        assertThat(pooled).isEqualTo(directly);
        assertNothingLeftFor(pg, "SHOW search_path; SHOW statement_timeout; SHOW TimeZone; SHOW application_name;\n");
    }

    /** A client without startup options, on the connection the script ran on, sees what it would see straight to PostgreSQL. */
    private static void assertNothingLeftFor(PoolerExtension pg, String script) {
        String directly = Psql.scriptWithTags(pg.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE),
                Map.of(), script).orThrow().stdout();
        assertThat(Psql.scriptWithTags(pg.endpoint(), Map.of(), script).orThrow().stdout()).as("the next client").isEqualTo(directly);
    }

    /** The command tags of resets in one Query and in one extended-protocol batch, among other statements, as PostgreSQL's. */
    @Test
    void commandTagsAreRenamedWhereverTheResetStands() throws Exception {
        try (RawClient client = client(PG)) {
            assertTagsRenamed(client);
            assertThat(client.query("RESET work_mem; RESET nosuch.parameter", StandardCharsets.UTF_8)).containsExactly("C RESET", "C RESET");
            assertThat(client.extended("SET search_path = public")).containsExactly("C SET");
            assertThat(client.extended("DISCARD ALL")).containsExactly("C DISCARD ALL");
            assertThat(client.query("SHOW search_path; BEGIN", StandardCharsets.UTF_8)).containsExactly("D tenant_a", "C SHOW", "C BEGIN");
            assertThat(client.extended("DISCARD ALL")).containsExactly("E 25001");
            assertThat(client.query("ROLLBACK", StandardCharsets.UTF_8)).containsExactly("C ROLLBACK");
        }
    }

    /** A raw client of the pooler whose startup packet gives search_path (in options) and TimeZone. */
    static RawClient client(PoolerExtension pg) throws IOException {
        return RawClient.connect("127.0.0.1", pg.pooler().port(), PoolerExtension.USER, PoolerExtension.DATABASE,
                Map.of("options", "-c search_path=tenant_a", "TimeZone", "Asia/Tokyo"));
    }

    /** Resets among other statements in a Query and in an extended-protocol batch answer with their own tags. */
    static void assertTagsRenamed(RawClient client) throws IOException {
        assertThat(client.query("SELECT 1; SET search_path = public; RESET search_path; RESET ALL; SELECT current_setting('search_path')",
                StandardCharsets.UTF_8)).containsExactly("D 1", "C SELECT 1", "C SET", "C RESET", "C RESET", "D tenant_a", "C SELECT 1");
        assertThat(client.extended("SET search_path = public", "SELECT 2", "RESET search_path", "SET TIME ZONE 'UTC'",
                "SET TIME ZONE DEFAULT", "SELECT current_setting('search_path') || ' ' || current_setting('TimeZone')"))
                .containsExactly("C SET", "D 2", "C SELECT 1", "C RESET", "C SET", "C SET", "D tenant_a Asia/Tokyo", "C SELECT 1");
    }

    /** A reset that ends where the client's value was reports no ParameterStatus, as PostgreSQL sends none. */
    @Test
    void resetAllReportsNothingWhenNothingChanged() throws Exception {
        Map<String, String> startup = Map.of("TimeZone", "Asia/Tokyo", "application_name", "resetter");
        try (RawClient client = RawClient.connect("127.0.0.1", PG.pooler().port(), PoolerExtension.USER, PoolerExtension.DATABASE, startup)) {
            assertThat(client.query("RESET ALL", StandardCharsets.UTF_8)).containsExactly("C RESET");
            assertThat(client.query("SET TIME ZONE 'UTC'", StandardCharsets.UTF_8)).containsExactly("C SET", "S TimeZone=UTC");
            assertThat(client.query("RESET ALL", StandardCharsets.UTF_8)).containsExactly("C RESET", "S TimeZone=Asia/Tokyo");
        }
    }

    /**
     * pgJDBC (extended protocol, a named server-side statement after prepareThreshold uses): its
     * startup options and its TimeZone come back after each reset, and the driver is told the
     * TimeZone it asked for.
     */
    @Test
    void jdbcResetsToItsStartupValues() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("options", "-c search_path=tenant_a -c statement_timeout=4321");
        properties.setProperty("prepareThreshold", "1");
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
                PreparedStatement reset = connection.prepareStatement("RESET search_path")) {
            String timeZone = ((PGConnection) connection).getParameterStatus("TimeZone");
            for (int i = 0; i < 3; i++) {
                connection.createStatement().execute("SET search_path = public");
                reset.execute();
                assertThat(one(connection, "SHOW search_path")).as("execution %d", i).isEqualTo("tenant_a");
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TIME ZONE 'UTC'");
                statement.execute("SET statement_timeout = 10000");
                statement.execute("RESET ALL");
            }
            assertThat(one(connection, "SHOW statement_timeout")).isEqualTo("4321ms");
            assertThat(one(connection, "SHOW TimeZone")).isEqualTo(timeZone);
            assertThat(((PGConnection) connection).getParameterStatus("TimeZone")).isEqualTo(timeZone);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TIME ZONE 'UTC'");
                statement.execute("SET search_path = public");
                statement.execute("DISCARD ALL");
            }
            assertThat(one(connection, "SHOW search_path")).isEqualTo("tenant_a");
            assertThat(((PGConnection) connection).getParameterStatus("TimeZone")).isEqualTo(timeZone);
            connection.createStatement().execute("INSERT INTO t VALUES ('jdbc')");
        }
        assertThat(Psql.query(direct(), "SELECT count(*) FROM tenant_a.t WHERE v = 'jdbc'").orThrow().stdout().strip()).isEqualTo("1");
    }

    private static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
