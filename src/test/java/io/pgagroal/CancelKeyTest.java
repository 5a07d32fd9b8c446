package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.RawClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

/**
 * A client's cancel key works for that client's session only: it carries the backend's real
 * process ID, with a secret of the pooler's, and once the client has left it cancels nothing, even
 * when the next client runs on the same backend.
 */
class CancelKeyTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session"})
    void aKeyOutlivesNothing(String pipeline) throws Exception {
        PG.restartPooler(b -> b.set("pipeline", pipeline).set("max_connections", "1"));
        String host = "127.0.0.1";
        int port = PG.pooler().port();
        RawClient.Key stale;
        try (RawClient first = RawClient.connect(host, port, PoolerExtension.USER, PoolerExtension.DATABASE)) {
            stale = first.key();
        }
        PG.awaitIdle();
        try (Connection next = PG.connect()) {
            int backend = ((PGConnection) next).getBackendPID();
            assertThat(backend).as("the same backend serves the next client").isEqualTo(stale.processId());
            try (ResultSet pid = next.createStatement().executeQuery("SELECT pg_backend_pid()")) {
                pid.next();
                assertThat(pid.getInt(1)).as("BackendKeyData carries the backend's process ID").isEqualTo(backend);
            }
            Statement sleeping = next.createStatement();
            CompletableFuture<Boolean> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return sleeping.execute("SELECT pg_sleep(2)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
                }
            });
            PG.postgres().awaitRunning("SELECT pg_sleep(2)");
            RawClient.cancel(host, port, stale);
            assertThat(query.get(10, TimeUnit.SECONDS)).as("the stale key cancelled nothing").isTrue();

            CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(() -> {
                try {
                    return sleeping.execute("SELECT pg_sleep(30)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState(), e);
                }
            });
            PG.postgres().awaitRunning("SELECT pg_sleep(30)");
            sleeping.cancel();
            assertThatThrownBy(() -> cancelled.get(10, TimeUnit.SECONDS)).hasMessageContaining("57014");
        }
    }
}
