package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * In the session and performance pipelines a client may be given a prefilled connection that
 * adopts its startup parameters with set_config; its resets then return to its startup values all
 * the same, as on a connection opened for it (issue 9, finding 7). The pool is one prefilled
 * connection, so every client adopts it.
 */
class StartupResetSessionTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static void onePrefilledConnection(String pipeline) throws Exception {
        PG.restartWithVault(pipeline, b -> b.limit(PoolerExtension.DATABASE + " " + PoolerExtension.USER + " 1 1 1"), "host all all all trust");
        for (int i = 0; i < 100 && !"1".equals(backends()); i++) {
            Thread.sleep(100);
        }
        assertThat(backends()).isEqualTo("1");
    }

    private static String backends() {
        return PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + PoolerExtension.USER + "'").trim();
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "performance"})
    void psqlSeesWhatPostgresqlShows(String pipeline) throws Exception {
        PG.postgres().execute("GRANT CREATE ON SCHEMA public TO " + PoolerExtension.USER);
        PG.postgres().execute("CREATE SCHEMA IF NOT EXISTS tenant_a AUTHORIZATION " + PoolerExtension.USER);
        PG.postgres().execute("CREATE SCHEMA IF NOT EXISTS x AUTHORIZATION " + PoolerExtension.USER);
        onePrefilledConnection(pipeline);
        StartupResetTransactionTest.assertSameAsDirectly(PG, StartupResetTransactionTest.SCRIPT + StartupResetTransactionTest.DISCARD_ALL);
        assertThat(backends()).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "performance"})
    void commandTagsAreRenamed(String pipeline) throws Exception {
        onePrefilledConnection(pipeline);
        try (RawClient client = StartupResetTransactionTest.client(PG)) {
            StartupResetTransactionTest.assertTagsRenamed(client);
        }
    }

    /**
     * DISCARD ALL on an adopted connection ends the session's state (a temporary table goes) and
     * returns the startup values; the client hears each changed parameter once, also when queries
     * are sent right behind it in the same write.
     */
    @ParameterizedTest
    @ValueSource(strings = {"session", "performance"})
    void discardAll(String pipeline) throws Exception {
        onePrefilledConnection(pipeline);
        try (RawClient client = StartupResetTransactionTest.client(PG)) {
            assertThat(client.query("CREATE TEMP TABLE scratch (i int)", StandardCharsets.UTF_8)).containsExactly("C CREATE TABLE");
            assertThat(client.query("SET search_path = public; SET TIME ZONE 'UTC'", StandardCharsets.UTF_8))
                    .containsExactly("C SET", "C SET", "S TimeZone=UTC");
            assertThat(client.pipelined("DISCARD ALL", "SELECT current_setting('search_path') || ' ' || (to_regclass('pg_temp.scratch') IS NULL)",
                    "SET TIME ZONE 'UTC'", "DISCARD ALL", "DISCARD ALL")).containsExactly("C DISCARD ALL", "S TimeZone=Asia/Tokyo", "Z",
                    "D tenant_a true", "C SELECT 1", "Z", "C SET", "S TimeZone=UTC", "Z", "C DISCARD ALL", "S TimeZone=Asia/Tokyo", "Z",
                    "C DISCARD ALL", "S TimeZone=Asia/Tokyo", "Z");
            assertThat(client.query("BEGIN; DISCARD ALL", StandardCharsets.UTF_8)).containsExactly("C BEGIN", "E 25001");
            assertThat(client.query("ROLLBACK; SELECT 1", StandardCharsets.UTF_8)).containsExactly("C ROLLBACK", "D 1", "C SELECT 1");
        }
    }

    /** pgJDBC on an adopted connection: RESET ALL brings back its startup options, and the TimeZone it was told stays. */
    @ParameterizedTest
    @ValueSource(strings = {"session", "performance"})
    void jdbcResetAll(String pipeline) throws Exception {
        onePrefilledConnection(pipeline);
        Properties properties = new Properties();
        properties.setProperty("options", "-c statement_timeout=4321");
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
                Statement statement = connection.createStatement()) {
            statement.execute("SET statement_timeout = 10000");
            statement.execute("RESET ALL");
            try (ResultSet rs = statement.executeQuery("SHOW statement_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("4321ms");
            }
        }
    }
}
