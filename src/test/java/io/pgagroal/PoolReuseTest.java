package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Command;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.PgBinaries;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * Pool reuse as a client sees it: the next client of the same user, database and startup
 * parameters gets the same backend, cleaned; a client with other parameters gets its own, and every
 * client sees ParameterStatus values and settings matching what it asked for.
 */
class PoolReuseTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> b.set("pipeline", "session"));

    private static Properties application(String name) {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", name);
        properties.setProperty("options", "-c search_path=custom,public -c work_mem=5MB");
        return properties;
    }

    private static String one(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void nextClientGetsTheSameBackendWithThePreviousClientsStateGone() throws Exception {
        String pid;
        try (Connection first = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, application("reuse"));
                Statement statement = first.createStatement()) {
            pid = one(statement, "SELECT pg_backend_pid()");
            statement.execute("SET work_mem = '77MB'");
            statement.execute("SET application_name = 'changed'");
            assertThat(first.unwrap(PGConnection.class).getParameterStatus("application_name")).isEqualTo("changed");
            statement.execute("CREATE TEMP TABLE leftover (id int)");
            statement.execute("PREPARE leftover_plan AS SELECT 1");
        }
        PG.awaitIdle();
        try (Connection second = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, application("reuse"));
                Statement statement = second.createStatement()) {
            assertThat(one(statement, "SELECT pg_backend_pid()")).isEqualTo(pid);
            assertThat(one(statement, "SHOW work_mem")).as("back to the startup value").isEqualTo("5MB");
            assertThat(one(statement, "SHOW application_name")).isEqualTo("reuse");
            assertThat(second.unwrap(PGConnection.class).getParameterStatus("application_name")).isEqualTo("reuse");
            assertThat(one(statement, "SELECT to_regclass('pg_temp.leftover')::text")).isNull();
            assertThat(one(statement, "SELECT count(*) FROM pg_prepared_statements")).isEqualTo("0");
            assertThat(one(statement, "SHOW search_path")).isEqualTo("custom,public");
        }
    }

    @Test
    void startupParametersReachTheServerAndDecideSharing() throws Exception {
        Endpoint pooler = PG.endpoint();
        String plain = psql(pooler, Map.of());
        String tokyo = psql(pooler, Map.of("PGTZ", "Asia/Tokyo"));
        String latin1 = psql(pooler, Map.of("PGCLIENTENCODING", "LATIN1", "PGDATESTYLE", "SQL, DMY"));
        String tokyoAgain = psql(pooler, Map.of("PGTZ", "Asia/Tokyo"));

        assertThat(field(plain, 1)).isEqualTo("UTF8");
        assertThat(field(tokyo, 2)).isEqualTo("Asia/Tokyo");
        assertThat(field(latin1, 1)).isEqualTo("LATIN1");
        assertThat(field(latin1, 3)).isEqualTo("SQL, DMY");
        assertThat(field(plain, 4)).isEqualTo("psql");
        assertThat(field(tokyo, 0)).as("another TimeZone gets its own backend").isNotEqualTo(field(plain, 0));
        assertThat(field(latin1, 0)).as("another client_encoding gets its own backend")
                .isNotEqualTo(field(plain, 0)).isNotEqualTo(field(tokyo, 0));
        assertThat(field(tokyoAgain, 0)).as("the same parameters share").isEqualTo(field(tokyo, 0));
        assertThat(field(tokyoAgain, 2)).isEqualTo("Asia/Tokyo");
    }

    private static String psql(Endpoint pooler, Map<String, String> environment) throws InterruptedException {
        Command command = Command.of(PgBinaries.tool("psql").toString(), "-X", "-At", "-F", ";", "-h", pooler.host(),
                "-p", Integer.toString(pooler.port()), "-U", pooler.user(), "-c",
                "SELECT pg_backend_pid(), current_setting('client_encoding'), current_setting('TimeZone'),"
                        + " current_setting('DateStyle'), current_setting('application_name')",
                pooler.database());
        environment.forEach(command::env);
        ProcessResult result = command.env("PGPASSWORD", pooler.password()).env("PGAPPNAME", "psql").run(Duration.ofSeconds(30));
        PG.awaitIdle();
        return result.orThrow().stdout().trim();
    }

    private static String field(String row, int index) {
        return row.split(";")[index];
    }
}
