package io.pgagroal;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.PipelineKind;
import io.pgagroal.config.Setting;
import io.pgagroal.security.Credentials;
import io.pgagroal.session.Pooler;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's warm-up (the {@code warmup} setting): before the pooler listens, a second pooler
 * with the same pipeline and event loops runs ordinary traffic ({@link WarmupClients}) over
 * loopback against a {@link StandInServer}, until the JIT compilers are nearly idle (busy less than
 * a tenth of a second), or the limit. A JVM starts interpreting; without this, the compilers
 * work through the first ten to twenty seconds of real traffic, on the same cores as PostgreSQL and
 * its clients, and the pooler is slowest when it has just started. Compiled code belongs to the
 * methods, not to the pooler instance, so the real pooler starts with it. Nothing of the warm-up
 * touches a real server or file but a temporary directory for its Unix socket; a failure ends the
 * warm-up with a warning and the pooler starts all the same.
 */
final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    /** A second in which the compilers were busy less than a tenth of it ends the warm-up. */
    private static final long WINDOW_MILLIS = 1_000;
    private static final long QUIET_COMPILING_MILLIS = WINDOW_MILLIS / 10;
    private static final Duration MINIMUM = Duration.ofSeconds(2);
    /** How long the first of the warm-up's two poolers runs. */
    private static final Duration FIRST_POOLER = Duration.ofSeconds(1);
    /** Pool size of the warm-up pooler; the transaction pipeline gets twice as many clients, to wait for connections too. */
    private static final int CONNECTIONS = 4;
    /** Settings of the real configuration that shape the per-message code, copied to the warm-up pooler. */
    private static final List<Setting> COPIED = List.of(Setting.EV_BACKEND, Setting.WORKER_THREADS, Setting.NODELAY,
            Setting.KEEP_ALIVE, Setting.BLOCKING_TIMEOUT, Setting.TRACK_PREPARED_STATEMENTS, Setting.MAX_PREPARED_STATEMENTS,
            Setting.TRANSACTION_PINNING);
    /**
     * The warm-up's user, in its pooler's users vault (as the transaction pipeline requires), which
     * its clients log in to with SCRAM-SHA-256; the stand-in server never asks for the password.
     */
    private static final Credentials USER = new Credentials(Map.of(WarmupClients.USER, WarmupClients.PASSWORD), Map.of(), null, null);

    private Warmup() {
    }

    /** Runs the warm-up for {@code config}'s pipeline, unless {@code warmup = 0}; returns its transactions, 0 when it failed. */
    static long run(PgagroalConfig config) {
        Duration limit = config.main().warmup();
        if (limit.isZero()) {
            return 0;
        }
        PipelineKind pipeline = config.main().pipeline();
        LOG.info("Warming up the {} pipeline (at most {} s)", pipeline.name().toLowerCase(Locale.ROOT), limit.toSeconds());
        long start = System.nanoTime();
        try {
            long transactions = Logging.quietly(() -> run(config, limit));
            LOG.info("Warmed up in {} ms ({} transactions)", (System.nanoTime() - start) / 1_000_000, transactions);
            return transactions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Warm-up stopped after {} ms, starting without it: {}", (System.nanoTime() - start) / 1_000_000,
                    e.getMessage());
        }
        return 0;
    }

    /**
     * The warm-up itself, in two poolers one after the other: closing a pooler and starting the
     * next runs, from this thread, the code the real pooler's start runs again; met first then, its
     * new thread and object types would throw away code compiled for the event loops alone. Their
     * Unix sockets go in a temporary directory, removed afterwards.
     */
    private static long run(PgagroalConfig config, Duration limit) throws IOException, ConfigException, InterruptedException {
        Path directory = Files.createTempDirectory("pgagroal-warmup");
        try (StandInServer server = new StandInServer()) {
            long started = System.nanoTime();
            long transactions = traffic(configuration(config, server.port(), directory), FIRST_POOLER);
            Duration rest = limit.minus(Duration.ofNanos(System.nanoTime() - started));
            return transactions + traffic(configuration(config, server.port(), directory), rest);
        } finally {
            Files.deleteIfExists(directory);
        }
    }

    /** A pooler of {@code warmup} and its clients, until the compilers are quiet or {@code limit}; returns the transactions. */
    private static long traffic(PgagroalConfig warmup, Duration limit) throws IOException, ConfigException, InterruptedException {
        int clients = warmup.main().pipeline() == PipelineKind.TRANSACTION ? 2 * CONNECTIONS : CONNECTIONS;
        try (Pooler pooler = Pooler.start(warmup, USER); WarmupClients traffic = WarmupClients.start(pooler.port(), clients)) {
            awaitQuietCompilers(limit, traffic);
            if (traffic.failure() != null) {
                throw new IOException(traffic.failure().getMessage(), traffic.failure());
            }
            return traffic.transactions();
        }
    }

    private static PgagroalConfig configuration(PgagroalConfig config, int serverPort, Path directory)
            throws ConfigException, IOException {
        String size = Integer.toString(CONNECTIONS);
        PgagroalConfig.Builder builder = PgagroalConfig.builder()
                .set("host", "127.0.0.1")
                .set("port", Integer.toString(freePort()))
                .set("unix_socket_dir", directory.toString())
                .set("pipeline", config.main().pipeline().name().toLowerCase(Locale.ROOT))
                .set("max_connections", size)
                .set("allow_unknown_users", "off")
                .server("warmup", "127.0.0.1", serverPort)
                .hba("host all all 127.0.0.1/32 scram-sha-256")
                .limit(String.join(" ", WarmupClients.USER, WarmupClients.USER, size, size, size))
                .users(USER.knownUsers());
        for (Setting setting : COPIED) {
            String value = config.main().rawValue(setting);
            if (value != null) {
                builder.set(setting.key(), value);
            }
        }
        return builder.build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the compilers were nearly idle for a second, the limit passed or a client failed. */
    private static void awaitQuietCompilers(Duration limit, WarmupClients traffic) throws InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long compiled = measurable ? compiler.getTotalCompilationTime() : 0;
        while (System.nanoTime() < deadline && traffic.failure() == null) {
            Thread.sleep(WINDOW_MILLIS);
            if (!measurable) {
                continue;
            }
            long now = compiler.getTotalCompilationTime();
            if (System.nanoTime() - start >= MINIMUM.toNanos() && now - compiled < QUIET_COMPILING_MILLIS) {
                return;
            }
            compiled = now;
        }
    }
}
