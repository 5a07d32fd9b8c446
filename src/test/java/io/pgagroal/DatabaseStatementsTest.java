package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DROP DATABASE, CREATE DATABASE (which copies its template) and ALTER DATABASE ... RENAME fail
 * with 55006 ("being accessed by other users") while any other session is connected to the
 * database, after PostgreSQL waited 5 seconds for them to leave. The pooler closes its idle
 * connections to those databases before it forwards such a statement, so a user can drop a
 * database the pool holds connections to, in every pipeline and with any client.
 */
class DatabaseStatementsTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static int created;

    @BeforeAll
    static void canCreateDatabases() {
        PG.postgres().execute("ALTER ROLE " + PoolerExtension.USER + " CREATEDB");
    }

    /**
     * A new database of the test user's, and the pooler restarted with this pipeline, prefilling the
     * database if asked (initial_size and min_size: the pool opens connections again after they are
     * closed, which must not get in the statement's way).
     */
    private static String database(String pipeline, int prefill) throws Exception {
        String name = "dbcmd_" + pipeline + "_" + ++created;
        PG.postgres().createDatabase(name, PoolerExtension.USER);
        PG.restartPooler(PoolerExtension.VAULT, b -> {
            b.set("pipeline", pipeline).set("allow_unknown_users", "off").limit(PoolerExtension.DATABASE + " " + PoolerExtension.USER + " 4 1 1");
            if (prefill > 0) {
                b.limit(name + " " + PoolerExtension.USER + " 4 " + prefill + " " + prefill);
            }
        }, "host all all all scram-sha-256");
        if (prefill > 0) {
            awaitBackends(name, prefill);
        }
        return name;
    }

    /** A client connects to the database, runs a query and leaves: its connection stays in the pool. */
    private static void visit(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(PG.endpoint().withDatabase(database).jdbcUrl(),
                PoolerExtension.USER, PoolerExtension.PASSWORD);
                ResultSet rs = connection.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(database);
        }
    }

    private static int backends(String database) {
        return Integer.parseInt(PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'"));
    }

    private static void awaitBackends(String database, int expected) throws InterruptedException {
        for (int i = 0; i < 100 && backends(database) != expected; i++) {
            Thread.sleep(50);
        }
        assertThat(backends(database)).as("connections to %s", database).isEqualTo(expected);
    }

    private static boolean exists(String database) {
        return PG.postgres().query("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'").equals("1");
    }

    /**
     * A client of the pooler connected to the test's own database: pgJDBC, connected from the start
     * (so that its statement can follow another client's departure at once), or psql, started for
     * each statement.
     */
    private static final class Client implements AutoCloseable {
        private final Connection jdbc;

        Client(String client) throws SQLException {
            this.jdbc = client.equals("jdbc") ? PG.connect() : null;
        }

        void run(String sql) throws SQLException {
            if (jdbc == null) {
                Psql.query(PG.endpoint(), sql).orThrow();
                return;
            }
            try (Statement statement = jdbc.createStatement()) {
                statement.execute(sql);
            }
        }

        @Override
        public void close() throws SQLException {
            if (jdbc != null) {
                jdbc.close();
            }
        }
    }

    @ParameterizedTest(name = "{0} pipeline, {1}")
    @CsvSource({"performance, jdbc", "performance, psql", "session, jdbc", "session, psql", "transaction, jdbc", "transaction, psql"})
    void dropDatabaseRightAfterItsLastClientLeft(String pipeline, String client) throws Exception {
        String database = database(pipeline, 0);
        try (Client admin = new Client(client)) {
            visit(database);
            admin.run("DROP DATABASE " + database);
        }
        assertThat(exists(database)).isFalse();
    }

    @ParameterizedTest(name = "{0} pipeline, {1}")
    @CsvSource({"performance, jdbc", "performance, psql", "session, jdbc", "session, psql", "transaction, jdbc", "transaction, psql"})
    void createDatabaseFromAPrefilledTemplate(String pipeline, String client) throws Exception {
        String template = database(pipeline, 2);
        String copy = template + "_copy";
        try (Client admin = new Client(client)) {
            admin.run("CREATE DATABASE " + copy + " WITH OWNER = " + PoolerExtension.USER + " TEMPLATE = " + template);
        }
        assertThat(exists(copy)).isTrue();
    }

    @ParameterizedTest(name = "{0} pipeline, {1}")
    @CsvSource({"performance, jdbc", "performance, psql", "session, jdbc", "session, psql", "transaction, jdbc", "transaction, psql"})
    void renameADatabaseWhosePrefilledConnectionAClientUsedAndLeft(String pipeline, String client) throws Exception {
        String database = database(pipeline, 1);
        visit(database);
        PG.awaitIdle();
        assertThat(backends(database)).as("idle in the pool").isPositive();
        try (Client admin = new Client(client)) {
            admin.run("/* rename */ ALTER DATABASE " + database + " RENAME TO " + database + "_renamed");
        }
        assertThat(exists(database + "_renamed")).isTrue();
    }
}
