package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pause and resume in the session pipeline (a pooler in this JVM, real PostgreSQL): a new session
 * waits for its server connection, with blocking_timeout (1 s) not counting, while a session that
 * has one goes on; resume lets the new one in.
 */
class PauseSessionPipelineTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> b.set("pipeline", "session").set("blocking_timeout", "1"));

    @TempDir
    Path dir;

    private static long select(Connection connection, int value) throws SQLException {
        ResultSet rs = connection.createStatement().executeQuery("SELECT " + value);
        rs.next();
        return rs.getLong(1);
    }

    @Test
    void aNewSessionWaitsAndASessionUnderWayGoesOn() throws Exception {
        Path conf = CliRun.conf(dir, PG.pooler().config().main().unixSocketDir());
        try (Connection running = PG.connect()) {
            select(running, 1);
            assertThat(CliRun.run(conf, "pause", PoolerExtension.DATABASE).out()).contains("- " + PoolerExtension.DATABASE);
            assertThat(PG.pooler().pausedDatabases()).containsExactly(PoolerExtension.DATABASE);

            CompletableFuture<Long> newcomer = CompletableFuture.supplyAsync(() -> {
                try (Connection c = PG.connect()) {
                    return select(c, 7);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(2000);
            assertThat(newcomer).as("the new session waits, past blocking_timeout").isNotDone();
            assertThat(select(running, 2)).as("the session under way goes on").isEqualTo(2);
            assertThat(PG.pooler().sessions().sessions()).anySatisfy(s -> assertThat(s.waiting()).isPositive());

            assertThat(PG.pooler().resume("*")).isEqualTo(1);
            assertThat(newcomer.get(10, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }
}
