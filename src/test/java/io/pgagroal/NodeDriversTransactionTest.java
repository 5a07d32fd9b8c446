package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.NodeScript;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9, findings 1, 2 and 4, with the Node.js drivers node-postgres and postgres.js (scripts in
 * src/test/node) and with psql, through the transaction pipeline over a pool of one or two server
 * connections, so that clients share them: what one client leaves on a connection must not reach
 * the next, and a statement prepared again on another connection must not change shape under a
 * client that cached its RowDescription. Stored data is checked over a direct connection to
 * PostgreSQL, not through the pooler.
 */
class NodeDriversTransactionTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the clients insert (client-encoding-leak.mjs has it too). */
    private static final String EURO_TEXT = "é€";
    /** 'é€' in UTF-8: what PostgreSQL stores when the text arrives from a client sending UTF-8. */
    private static final String EURO_UTF8_HEX = "c3a9e282ac";
    private static final String DEFAULT_SEARCH_PATH = "\"$user\", public";

    /** The transaction pipeline over {@code connections} server connections for appdb/app. */
    private static void start(int connections) throws Exception {
        String size = Integer.toString(connections);
        PG.restartPooler(PoolerExtension.VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("blocking_timeout", "20").limit(String.join(" ", "appdb app", size, size, size)),
                "host all all all scram-sha-256");
    }

    /** PostgreSQL itself, as the application role, bypassing the pooler. */
    private static Endpoint direct() {
        return PG.postgres().endpoint(PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE);
    }

    private static void directExecute(String sql) {
        Psql.script(direct(), sql).orThrow();
    }

    private static String directQuery(String sql) {
        return Psql.query(direct(), sql).orThrow().stdout().strip();
    }

    private static NodeScript script(String file) {
        return NodeScript.of(file).endpoint("POOLER", PG.endpoint()).endpoint("DIRECT", direct());
    }

    /** The pooler over one server connection, {@code setup} run directly, then the script; returns its report. */
    private static JsonNode runOverOneConnection(String setup, String file, String... arguments) throws Exception {
        start(1);
        if (setup != null) {
            directExecute(setup);
        }
        return script(file).args(arguments).report(TIMEOUT);
    }

    @Test
    void bothDriversRunQueriesThroughThePooler() throws Exception {
        JsonNode observed = runOverOneConnection(null, "select-one.mjs");
        assertThat(observed.get("pg").asInt()).as("node-postgres: select 1").isEqualTo(1);
        assertThat(observed.get("postgres").asInt()).as("postgres.js: select $1::int + 1 with 41").isEqualTo(42);
    }

    // Finding 1: client_encoding.

    private static final String ENCODING_TARGET = "DROP TABLE IF EXISTS encoding_target; CREATE TABLE encoding_target (t text)";

    private static String storedUtf8Hex() {
        return directQuery("SELECT encode(convert_to(t, 'UTF8'), 'hex') FROM encoding_target");
    }

    /**
     * The next client is {@code pg}, node-postgres (its StartupMessage always asks for
     * client_encoding UTF8), or {@code postgres}, postgres.js leaving client_encoding out of its
     * StartupMessage, as libpq programs do when not on a terminal, so that the database's default
     * applies.
     */
    @ParameterizedTest(name = "next client: {0}")
    @ValueSource(strings = {"pg", "postgres"})
    void clientEncodingSetByOneClientDoesNotCorruptTheNextOnesText(String victim) throws Exception {
        JsonNode observed = runOverOneConnection(ENCODING_TARGET, "client-encoding-leak.mjs", victim);
        assertThat(observed.get("leaverEncoding").asText()).as("the first client's SET took effect").isEqualTo("LATIN1");
        assertThat(observed.get("inserted").asText()).as("what the next client (%s) reads back", victim).isEqualTo(EURO_TEXT);
        assertThat(storedUtf8Hex()).as("'é€' from the next client (%s), as stored, read directly from PostgreSQL", victim)
                .isEqualTo(EURO_UTF8_HEX);
        assertThat(observed.get("clientEncoding").asText())
                .as("client_encoding seen by the next client (%s), which never set it", victim).isEqualTo("UTF8");
    }

    /** postgres.js asks for client_encoding UTF8 at startup ({@code utf8}, its default) or for none ({@code none}). */
    @ParameterizedTest(name = "client_encoding at startup: {0}")
    @ValueSource(strings = {"utf8", "none"})
    void ownSetClientEncodingIsReportedToPostgresJsWhenTheConnectionAlreadyHadThatValue(String startup) throws Exception {
        JsonNode observed = runOverOneConnection(null, "client-encoding-report.mjs", startup);
        assertThat(observed.get("atStartup").asText()).as("client_encoding reported at startup").isEqualTo("UTF8");
        assertThat(observed.get("server").asText()).as("show client_encoding after the client's SET").isEqualTo("LATIN1");
        assertThat(observed.get("afterSet").asText())
                .as("client_encoding in sql.parameters (the ParameterStatus postgres.js received) after its own SET")
                .isEqualTo("LATIN1");
    }

    @Test
    void clientEncodingSetByOnePsqlClientDoesNotCorruptTheNextOnesText() throws Exception {
        start(1);
        directExecute(ENCODING_TARGET);
        Psql.query(PG.endpoint(), "SET client_encoding = LATIN1").orThrow();
        Psql.script(PG.endpoint(), "INSERT INTO encoding_target (t) VALUES ('" + EURO_TEXT + "');").orThrow();
        assertThat(storedUtf8Hex()).as("'é€' sent by psql in UTF-8, as stored").isEqualTo(EURO_UTF8_HEX);
    }

    @Test
    void ownSetClientEncodingIsReportedToPsqlWhenTheConnectionAlreadyHadThatValue() throws Exception {
        start(1);
        Psql.query(PG.endpoint(), "SET client_encoding = LATIN1").orThrow();
        String encoding = Psql.script(PG.endpoint(), "SET client_encoding = LATIN1;\n\\encoding\n").orThrow().stdout().strip();
        assertThat(encoding).as("psql's \\encoding (libpq's client encoding, from ParameterStatus) after its own SET")
                .isEqualTo("LATIN1");
    }

    // Finding 2: startup parameters and SETs.

    private static final String LEAK_TARGETS = "CREATE SCHEMA IF NOT EXISTS acc_tenant;"
            + " DROP TABLE IF EXISTS public.leak_target, acc_tenant.leak_target;"
            + " CREATE TABLE public.leak_target (who text); CREATE TABLE acc_tenant.leak_target (who text)";

    /** The next plain client saw the server's defaults and its insert landed in public (read directly). */
    private static void assertDefaults(String statementTimeout, String searchPath) {
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(statementTimeout).as("statement_timeout of the next plain client").isEqualTo("0");
            softly.assertThat(searchPath).as("search_path of the next plain client").isEqualTo(DEFAULT_SEARCH_PATH);
            softly.assertThat(directQuery("SELECT (SELECT count(*) FROM public.leak_target) || ' ' || "
                    + "(SELECT count(*) FROM acc_tenant.leak_target)"))
                    .as("rows of its unqualified insert in public.leak_target and acc_tenant.leak_target").isEqualTo("1 0");
        });
    }

    /**
     * The first client has statement_timeout and search_path from node-postgres startup parameters
     * ({@code startup}: statement_timeout and options -c search_path) or from SETs outside a
     * transaction ({@code set}).
     */
    @ParameterizedTest(name = "settings by {0}")
    @ValueSource(strings = {"startup", "set"})
    void sessionStateOfOneNodePostgresClientDoesNotReachTheNext(String how) throws Exception {
        JsonNode observed = runOverOneConnection(LEAK_TARGETS, "session-state-leak.mjs", how);
        assertThat(observed.get("leaver")).as("the first client's settings (by %s)", how)
                .isEqualTo(JSON.readTree("{\"statementTimeout\": \"100ms\", \"searchPath\": \"acc_tenant\"}"));
        assertDefaults(observed.at("/next/statementTimeout").asText(), observed.at("/next/searchPath").asText());
    }

    /**
     * psql as both clients; the first gets its settings from libpq's {@code options} or from
     * set_config(..., false) outside a transaction.
     */
    @ParameterizedTest(name = "settings by {0}")
    @ValueSource(strings = {"startup", "set_config"})
    void sessionStateOfOnePsqlClientDoesNotReachTheNext(String how) throws Exception {
        start(1);
        directExecute(LEAK_TARGETS);
        String show = "SELECT current_setting('statement_timeout') || ' ' || current_setting('search_path')";
        String leaver = how.equals("startup")
                ? Psql.query(PG.endpoint().withDatabase("dbname=" + PoolerExtension.DATABASE
                        + " options='-c search_path=acc_tenant -c statement_timeout=100'"), show).orThrow().stdout()
                : Psql.query(PG.endpoint(), "SELECT set_config('statement_timeout', '100', false)"
                        + " || ' ' || set_config('search_path', 'acc_tenant', false)").orThrow().stdout();
        assertThat(leaver.strip()).as("the first client's settings").isEqualTo("100ms acc_tenant");
        String[] next = Psql.query(PG.endpoint(), "WITH inserted AS (INSERT INTO leak_target (who) VALUES ('next')) "
                + "SELECT current_setting('statement_timeout'), current_setting('search_path')").orThrow().stdout().strip()
                .split("\\|");
        assertDefaults(next[0], next[1]);
    }

    // Finding 4: a prepared statement whose result changes shape.

    /**
     * postgres.js runs {@code select * from shape} as a prepared statement, the table is altered,
     * and it runs it again on the other server connection, one that never prepared it. PostgreSQL
     * directly answers 0A000 to the stale statement and postgres.js prepares it again; through the
     * pooler the result must be as right: the new shape, decoded with the new RowDescription.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a column added                  | ALTER TABLE shape ADD COLUMN b int DEFAULT 7                | [{"id":1,"a":"one","b":7},{"id":2,"a":"two","b":7}]
        a column replaced by an integer | ALTER TABLE shape DROP COLUMN a, ADD COLUMN b int DEFAULT 7 | [{"id":1,"b":7},{"id":2,"b":7}]
        a column dropped                | ALTER TABLE shape DROP COLUMN a                             | [{"id":1},{"id":2}]
        """)
    void postgresJsStatementPreparedAgainOnAnotherConnectionAfterTheTableChangedShape(String change, String alter, String expected)
            throws Exception {
        assertReprepared("switch", alter, expected, 2);
    }

    /** As above, but the second run is on the connection that prepared the statement (a pool of one). */
    @Test
    void postgresJsStatementPreparedAgainOnTheSameConnectionAfterTheTableChangedShape() throws Exception {
        assertReprepared("same", "ALTER TABLE shape ADD COLUMN b int DEFAULT 7",
                "[{\"id\":1,\"a\":\"one\",\"b\":7},{\"id\":2,\"a\":\"two\",\"b\":7}]", 1);
    }

    private static void assertReprepared(String mode, String alter, String expected, int connections) throws Exception {
        String setup = "DROP TABLE IF EXISTS shape; CREATE TABLE shape (id int, a text);"
                + " INSERT INTO shape VALUES (1, 'one'), (2, 'two')";
        JsonNode before = JSON.readTree("[{\"id\":1,\"a\":\"one\"},{\"id\":2,\"a\":\"two\"}]");
        JsonNode after = JSON.readTree(expected);

        directExecute(setup);
        JsonNode control = NodeScript.of("reprepare-shape.mjs").args(mode, alter)
                .endpoint("POOLER", direct()).endpoint("DIRECT", direct()).report(TIMEOUT);
        assertThat(control.get("after")).as("PostgreSQL directly (the script's expectation holds): %s", control).isEqualTo(after);

        start(connections);
        directExecute(setup);
        JsonNode observed = script("reprepare-shape.mjs").args(mode, alter).report(TIMEOUT);
        assertThat(observed.get("before")).as("the first run").isEqualTo(before);
        if (mode.equals("switch")) {
            JsonNode pids = observed.get("holderPids");
            assertThat(pids.get(0)).as("the two holders held different server connections").isNotEqualTo(pids.get(1));
        }
        assertThat(observed.get("afterError").textValue()).as("the error of the second run").isNull();
        assertThat(observed.get("after")).as("the rows of the second run").isEqualTo(after);
    }
}
