package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.uring.IoUring;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.net.Transport;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ev_backend and worker_threads with real clients: pgbench through the io_uring transport, over TCP
 * and the Unix socket (or, where the kernel or the JVM does not allow io_uring, the refusal that stops
 * start-up), and every pipeline on one epoll worker event loop and on two. Ten clients over a pool of
 * five, so that server connections are handed from one client to the next, across event loops when
 * there are two.
 */
class EventLoopTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    @BeforeAll
    static void pgbenchTables() throws Exception {
        PG.restartWithVault("session", b -> { }, "host all all all scram-sha-256");
        assertThat(Pgbench.initialize(PG.endpoint(), 1).succeeded()).isTrue();
    }

    private static void restart(String pipeline, Consumer<PgagroalConfig.Builder> options) throws ConfigException {
        PG.restartWithVault(pipeline, b -> {
            b.set("max_connections", "5").set("blocking_timeout", "30");
            if (pipeline.equals("transaction")) {
                b.limit("appdb app 5 5 5");
            }
            options.accept(b);
        }, "host all all all scram-sha-256", "local all all scram-sha-256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    @Tag("nio")
    void pgbenchThroughIoUring(String pipeline) throws Exception {
        Consumer<PgagroalConfig.Builder> ioUring = b -> b.set("ev_backend", "io_uring").set("worker_threads", "0");
        if (!IoUring.isAvailable()) {
            assertThatThrownBy(() -> restart(pipeline, ioUring)).isInstanceOf(ConfigException.class)
                    .hasMessageMatching("<pgagroal\\.conf>:\\d+: ev_backend: io_uring cannot run here \\(.+\\); use auto, .*");
            return;
        }
        restart(pipeline, ioUring);
        assertThat(PG.pooler().transport()).isEqualTo(Transport.IO_URING);
        assertThat(PG.pooler().workerThreads()).as("io_uring runs one worker loop").isEqualTo(1);
        assertThat(acceptThreads(0)).as("the worker loop accepts too").isZero();
        runPgbench(PG.endpoint());
        runPgbench(PG.unixEndpoint());
        assertThat(Psql.query(PG.unixEndpoint(), "SELECT 40 + 2").orThrow().stdout().trim()).isEqualTo("42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void pgbenchOnOneEpollWorkerThread(String pipeline) throws Exception {
        restart(pipeline, b -> b.set("ev_backend", "epoll").set("worker_threads", "1"));
        assertThat(PG.pooler().workerThreads()).isEqualTo(1);
        assertThat(PG.pooler().transport()).isEqualTo(Transport.EPOLL);
        assertThat(acceptThreads(0)).as("the worker loop accepts too").isZero();
        runPgbench(PG.endpoint());
        runPgbench(PG.unixEndpoint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void pgbenchOnTwoWorkerThreads(String pipeline) throws Exception {
        restart(pipeline, b -> b.set("worker_threads", "2"));
        assertThat(PG.pooler().workerThreads()).isEqualTo(2);
        assertThat(PG.pooler().transport()).as("auto takes epoll for more than one loop").isEqualTo(Transport.EPOLL);
        assertThat(acceptThreads(1)).as("a loop of its own accepts").isEqualTo(1);
        runPgbench(PG.endpoint());
        runPgbench(PG.unixEndpoint());
    }

    /** The live pgagroal-accept threads once they are {@code expected}, or after 5 s (those of a pooler just stopped may still be ending). */
    private static long acceptThreads(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long count = liveAcceptThreads();
        while (count != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            count = liveAcceptThreads();
        }
        return count;
    }

    private static long liveAcceptThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("pgagroal-accept")).count();
    }

    /** Select-only with ten clients, then a new connection per transaction: every transaction done, none failed. */
    private static void runPgbench(Endpoint endpoint) {
        PgbenchResult steady = Pgbench.against(endpoint).selectOnly().clients(10).threads(2).transactions(200).run();
        assertThat(steady.process().succeeded()).as(steady.process().describe()).isTrue();
        assertThat(steady.failedTransactions()).hasValue(0);
        assertThat(steady.processedTransactions()).hasValue(2000);
        PgbenchResult connect = Pgbench.against(endpoint).selectOnly().connectPerTransaction().clients(10).threads(2).transactions(10).run();
        assertThat(connect.process().succeeded()).as(connect.process().describe()).isTrue();
        assertThat(connect.processedTransactions()).hasValue(100);
    }
}
