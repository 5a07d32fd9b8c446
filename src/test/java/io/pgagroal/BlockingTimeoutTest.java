package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A full pool: waiting clients are served FIFO as soon as a connection returns, or get 53300. */
class BlockingTimeoutTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.PASSWORD)
            .configure(b -> b.set("max_connections", "2").set("blocking_timeout", "3"));

    @Test
    void waitersGetConnectionsInArrivalOrderAsSoonAsOneReturns() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Connection first = PG.connect();
        Connection second = PG.connect();
        CompletableFuture<Connection> waiterA = waitFor("A", order);
        Eventually.await("A waits", () -> PG.pooler().sessions().sessions().stream().anyMatch(session -> !session.waiting().isZero()));
        CompletableFuture<Connection> waiterB = waitFor("B", order);
        Thread.sleep(300);
        assertThat(waiterA).isNotDone();
        assertThat(waiterB).isNotDone();

        long returned = System.nanoTime();
        first.close();
        Connection a = waiterA.get(2, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - returned)).isLessThan(Duration.ofMillis(1500));
        assertThat(waiterB).isNotDone();
        second.close();
        Connection b = waiterB.get(2, TimeUnit.SECONDS);
        assertThat(order).containsExactly("A", "B");
        a.close();
        b.close();
    }

    @Test
    void clientPastTheTimeoutGetsPoolFull() throws Exception {
        try (Connection first = PG.connect(); Connection second = PG.connect()) {
            long start = System.nanoTime();
            assertThatThrownBy(PG::connect)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"))
                    .hasMessageContaining("connection pool is full");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(6));
        }
        PG.connect().close();
    }

    private static CompletableFuture<Connection> waitFor(String name, List<String> order) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection connection = PG.connect();
                order.add(name);
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
