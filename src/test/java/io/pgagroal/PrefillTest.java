package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * initial_size connections appear at start, clients use them (applying their own parameters), and
 * the pool comes back to min_size after its connections are terminated.
 */
class PrefillTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);


    private static String backends() {
        return PG.postgres().query("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity WHERE usename = 'app'").trim();
    }

    private static int count() {
        String pids = backends();
        return pids.isEmpty() ? 0 : pids.split(",").length;
    }

    private static void await(int expected) throws InterruptedException {
        for (int i = 0; i < 100 && count() != expected; i++) {
            Thread.sleep(100);
        }
        assertThat(count()).isEqualTo(expected);
    }

    @Test
    void initialSizeAtStartThenMinSizeAfterTermination() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.limit("appdb app 4 2 1"), "host all all all scram-sha-256");
        await(2);
        String prefilled = backends();

        Properties properties = new Properties();
        properties.setProperty("options", "-c work_mem=7MB");
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties)) {
            ResultSet rs = connection.createStatement().executeQuery(
                    "SELECT pg_backend_pid()::text, current_setting('TimeZone'), current_setting('work_mem')");
            rs.next();
            assertThat(prefilled.split(",")).as("a prefilled connection serves the client").contains(rs.getString(1));
            String timeZone = TimeZone.getDefault().getID();
            assertThat(rs.getString(2)).as("the client's startup TimeZone applies").isEqualTo(timeZone);
            assertThat(rs.getString(3)).as("options -c applies").isEqualTo("7MB");
            assertThat(connection.unwrap(PGConnection.class).getParameterStatus("TimeZone")).isEqualTo(timeZone);
        }
        assertThat(count()).as("the connection went back to the pool").isEqualTo(2);

        PG.postgres().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
        await(1);
        try (Connection connection = PG.connect()) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
    }

    /**
     * A base connection takes a client's settings as its startup packet would have: a list setting
     * stays a list (set_config, not SET with one quoted literal), and quotes and backslashes survive.
     */
    @Test
    void anAdoptedConnectionReadsSettingsAsAStartupPacketWould() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.limit("appdb app 2 1 1"), "host all all all scram-sha-256");
        await(1);
        String prefilled = backends();
        Properties properties = new Properties();
        properties.setProperty("options", "-c search_path=tenant_a,public");
        properties.setProperty("ApplicationName", "it's a \\ test");
        properties.setProperty("assumeMinServerVersion", "15");
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties)) {
            ResultSet rs = connection.createStatement().executeQuery(
                    "SELECT pg_backend_pid()::text, current_setting('search_path'), current_schemas(false)::text, "
                    + "current_setting('application_name')");
            rs.next();
            assertThat(prefilled.split(",")).as("the prefilled connection was adopted").contains(rs.getString(1));
            assertThat(rs.getString(2)).as("as PostgreSQL shows it for the startup option").isEqualTo("tenant_a,public");
            assertThat(rs.getString(3)).as("two schemas (tenant_a does not exist), not one named \"tenant_a,public\"")
                    .isEqualTo("{public}");
            assertThat(rs.getString(4)).isEqualTo("it's a \\ test");
        }
    }

    @Test
    void aClientParameterPostgreSQLRefusesIsReportedAndTheConnectionKept() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> b.limit("appdb app 2 1 1"), "host all all all scram-sha-256");
        await(1);
        String prefilled = backends();
        Properties properties = new Properties();
        properties.setProperty("options", "-c no_such.setting_x=1 -c work_mem=bogus");
        try {
            PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties).close();
            throw new AssertionError("PostgreSQL accepted an invalid work_mem");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("22023");
        }
        assertThat(backends()).as("the base connection is unchanged and kept").isEqualTo(prefilled);
    }
}
