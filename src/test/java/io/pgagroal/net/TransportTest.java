package io.pgagroal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.EventBackend;
import io.pgagroal.config.EventBackendSetting;
import io.pgagroal.config.MainConfig;
import io.pgagroal.config.PgagroalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The transport ev_backend chooses: auto takes the first native one that loads (io_uring first for one
 * worker loop, epoll first for more), NIO where native code may not load (the "nio" surefire execution
 * sets io.netty.transport.noNative) or on another OS; a backend named explicitly runs or stops the
 * start with the reason, at the line of ev_backend.
 */
@Tag("nio")
class TransportTest {

    private static final boolean NATIVE_ALLOWED = !Boolean.getBoolean("io.netty.transport.noNative") && OS.LINUX.isCurrentOs();

    @TempDir
    Path dir;

    /** pgagroal.conf with ev_backend on line 5 and {@code more} from line 6. */
    private MainConfig evBackend(String value, String... more) throws IOException, ConfigException {
        List<String> lines = new ArrayList<>(List.of("[pgagroal]", "host = localhost", "port = 2345", "unix_socket_dir = " + dir,
                "ev_backend = " + value));
        lines.addAll(List.of(more));
        lines.addAll(List.of("", "[primary]", "host = localhost", "port = 5432"));
        Path conf = Files.write(dir.resolve("pgagroal.conf"), lines);
        Path hba = Files.write(dir.resolve("pgagroal_hba.conf"), List.of("host all all all trust"));
        return PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null)).main();
    }

    @Test
    void autoTakesTheFirstNativeTransportThatLoadsElseNio() throws Exception {
        Transport several = NATIVE_ALLOWED ? Transport.EPOLL : Transport.NIO;
        Transport one = NATIVE_ALLOWED && IoUring.isAvailable() ? Transport.IO_URING : several;
        assertThat(Transport.best(2)).isEqualTo(several);
        assertThat(Transport.best(1)).isEqualTo(one);
        assertThat(Transport.select(evBackend("auto", "worker_threads = 2"))).isEqualTo(several);
        assertThat(Transport.select(evBackend("auto", "worker_threads = 1"))).isEqualTo(one);
        int halfTheProcessors = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertThat(Transport.select(evBackend("auto"))).isEqualTo(halfTheProcessors == 1 ? one : several);
        assertRuns(one);
        assertRuns(several);
    }

    @ParameterizedTest
    @EnumSource(names = {"EPOLL", "IO_URING"})
    void aNamedBackendRunsOrStopsTheStartSayingWhy(Transport transport) throws Exception {
        boolean available = NATIVE_ALLOWED && (transport == Transport.EPOLL || IoUring.isAvailable());
        if (available) {
            assertThat(Transport.select(evBackend(transport.configName()))).isEqualTo(transport);
            assertRuns(transport);
        } else {
            MainConfig config = evBackend(transport.configName());
            assertThatThrownBy(() -> Transport.select(config)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(dir.resolve("pgagroal.conf") + ":5: ev_backend: " + transport.configName() + " cannot run here (")
                    .hasMessageEndingWith("); use auto, which takes the best backend available");
        }
    }

    @Test
    void kqueueStopsTheStart() throws Exception {
        MainConfig config = evBackend("kqueue");
        assertThatThrownBy(() -> Transport.select(config)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("pgagroal.conf") + ":5: ev_backend: kqueue is the event backend of BSD and macOS, and this"
                        + " pooler has no kqueue transport; use auto (the best one available here), io_uring or epoll (Linux)");
    }

    @Test
    void workerThreadsOrHalfTheProcessors() throws Exception {
        assertThat(Transport.EPOLL.workerThreads(evBackend("epoll"))).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        assertThat(Transport.EPOLL.workerThreads(evBackend("epoll", "worker_threads = 3"))).isEqualTo(3);
        assertThat(Transport.NIO.workerThreads(evBackend("auto", "worker_threads = 1"))).isEqualTo(1);
    }

    @Test
    void ioUringRunsOneWorkerLoopAndRefusesMore() throws Exception {
        assertThat(Transport.IO_URING.workerThreads(evBackend("io_uring"))).isEqualTo(1);
        assertThat(Transport.IO_URING.workerThreads(evBackend("io_uring", "worker_threads = 1"))).isEqualTo(1);
        MainConfig two = evBackend("io_uring", "worker_threads = 2");
        assertThatThrownBy(() -> Transport.IO_URING.workerThreads(two)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("pgagroal.conf") + ":6: worker_threads: 2 with the io_uring transport, whose channels cannot move"
                        + " between event loops yet, which the pool does with more than one (doc/ARCHITECTURE.md, Event loops); use"
                        + " worker_threads = 1 (or 0), or ev_backend = epoll");
    }

    @Test
    void theVaultsEvBackendIsChosenTheSameWay() throws Exception {
        assertThat(Transport.select(new EventBackendSetting(EventBackend.AUTO, "pgagroal_vault.conf", 0))).isEqualTo(Transport.best(1));
        assertThatThrownBy(() -> Transport.select(new EventBackendSetting(EventBackend.KQUEUE, "pgagroal_vault.conf", 3)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("pgagroal_vault.conf:3: ev_backend: kqueue is the event backend");
    }

    private static void assertRuns(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("transport-test"));
        try {
            assertThat(group.submit(() -> "ran").get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
