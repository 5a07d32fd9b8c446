package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.pgagroal.testing.ClassPathJar;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process around the pooler, run as an operator runs it: separate JVMs started with -c and -a,
 * in the foreground under a stand-in for systemd (a Unix datagram socket named by NOTIFY_SOCKET), or
 * with -d. The pid file names the daemon and goes at stop; a second pooler on the same pid file or the
 * same Unix socket refuses to start and leaves the first one serving; stale files are replaced.
 */
class DaemonProcessTest {

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    @Test
    void notifiesSystemdAndKeepsThePidFileWhileRunning() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = console");
        try (Systemd systemd = new Systemd()) {
            Process daemon = systemd.run("-c", conf.toString(), "-a", hba().toString());
            String ready = systemd.receive(daemon);
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
                assertThat(client.isConnected()).as("the port accepts once READY=1 arrives").isTrue();
            }
            assertThat(ready).contains("READY=1").contains("MAINPID=" + daemon.pid()).contains("STATUS=Listening on port " + port);
            Path pidFile = dir.resolve("pgagroal." + port + ".pid");
            assertThat(Files.readString(pidFile)).isEqualTo(daemon.pid() + "\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pidFile))).isEqualTo("rw-r-----");
            PG.assertServes(port);

            daemon.destroy();
            assertThat(systemd.receive(daemon)).contains("STOPPING=1");
            assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isZero();
            assertThat(pidFile).doesNotExist();
            assertThat(dir.resolve(".s.PGSQL." + port)).doesNotExist();
        }
    }

    /**
     * The warm-up runs before the pooler listens, says so to systemd, logs its start and end and
     * nothing of the pooler it runs, and leaves nothing in the temporary directory.
     */
    @Test
    void warmsUpBeforeItListens() throws Exception {
        int port = Ports.free();
        Path temp = Files.createDirectory(dir.resolve("tmp"));
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = console\nwarmup = 3");
        try (Systemd systemd = new Systemd()) {
            Process daemon = systemd.run(List.of("-Djava.io.tmpdir=" + temp), "-c", conf.toString(), "-a", hba().toString());
            assertThat(systemd.receive(daemon)).isEqualTo("STATUS=Warming up");
            assertThat(systemd.receive(daemon)).contains("READY=1");
            PG.assertServes(port);
            String log = Files.readString(systemd.log);
            assertThat(log).contains("Warming up the performance pipeline (at most 3 s)")
                    .containsPattern("Warmed up in \\d+ ms \\([1-9]\\d* transactions\\)")
                    .doesNotContain("Warm-up stopped");
            assertThat(log.split("Listening on ", -1)).as("only the real pooler logs that it listens").hasSize(2);
            assertThat(log.indexOf("Warmed up in")).isLessThan(log.indexOf("Listening on "));
            assertThat(temp).isEmptyDirectory();
            daemon.destroy();
            assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void detachesOnceListeningAndStopsOnSigterm() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        long pid = detach(conf);
        assertThat(ProcessHandle.of(pid)).as("the daemon runs after pgagroal -d returned").isPresent();
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).as("it is nobody's child here").doesNotContain(pid);
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst(".*\\) ", "").split(" ");
        assertThat(stat[3]).as("session id: setsid made it a session leader").isEqualTo(String.valueOf(pid));
        assertThat(stat[4]).as("no controlling terminal").isEqualTo("0");
        Path pidFile = dir.resolve("pgagroal." + port + ".pid");
        assertThat(Files.readString(pidFile)).isEqualTo(pid + "\n");
        PG.assertServes(port);

        stop(pid);
        assertThat(pidFile).doesNotExist();
        assertThat(dir.resolve(".s.PGSQL." + port)).doesNotExist();
        assertThat(Files.readString(dir.resolve("pgagroal.log"))).contains("Received SIGTERM").contains("pgagroal stopped");
    }

    @Test
    void detachPassesTheDaemonsReadinessOnToSystemd() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        try (Systemd systemd = new Systemd()) {
            Process launcher = systemd.run("-d", "-c", conf.toString(), "-a", hba().toString());
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).as(Files.readString(systemd.log)).isZero();
            long pid = PG.track(Long.parseLong(Files.readString(dir.resolve("pgagroal." + port + ".pid")).trim()));
            assertThat(systemd.receive(launcher)).contains("READY=1").contains("MAINPID=" + pid);
            stop(pid);
        }
    }

    @Test
    void detachReportsWhyTheDaemonCouldNotStart() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            Outcome outcome = run("-d", "-c", conf.toString(), "-a", hba().toString());
            assertThat(outcome.status()).isEqualTo(1);
            assertThat(outcome.output()).contains("the daemon exited with status 1 before it listened")
                    .contains("could not listen on /127.0.0.1:" + port);
        }
        assertThat(dir.resolve("pgagroal." + port + ".pid")).as("removed when start-up fails").doesNotExist();

        Files.writeString(conf, Files.readString(conf).replace("log_type = file", "log_type = file\nmax_connections = many"));
        Outcome broken = run("-d", "-c", conf.toString(), "-a", hba().toString());
        assertThat(broken.status()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(broken.output()).contains("pgagroal.conf:").contains("max_connections");

        Files.writeString(conf, Files.readString(conf).replace("max_connections = many", "ev_backend = kqueue"));
        Outcome kqueue = run("-d", "-c", conf.toString(), "-a", hba().toString());
        assertThat(kqueue.status()).as("refused on the terminal, before detaching").isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(kqueue.output()).contains("pgagroal.conf:").contains(": ev_backend: kqueue is the event backend of BSD and macOS");
    }

    @Test
    void secondInstanceWithTheSamePidFileIsRefused() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        long first = detach(conf);
        Path pidFile = dir.resolve("pgagroal." + port + ".pid");

        assertRefusedBeside(conf, "pid file " + pidFile + " exists and names running process " + first);

        assertThat(Files.readString(pidFile)).isEqualTo(first + "\n");
        assertThat(dir.resolve(".s.PGSQL." + port)).exists();
        PG.assertServes(port);
        stop(first);
    }

    @Test
    void secondInstanceOnTheSameUnixSocketIsRefused() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        long first = detach(conf);
        Path socket = dir.resolve(".s.PGSQL." + port);

        // Another address, so TCP binds and the Unix socket is what collides.
        Path second = configuration("second.conf", "127.0.0.2", port, "log_type = console\npidfile = " + dir.resolve("second.pid"));
        assertRefusedBeside(second, "the Unix socket " + socket + " is in use by process " + first);
        assertThat(dir.resolve("second.pid")).doesNotExist();

        assertThat(socket).exists();
        PG.assertServes(port);
        stop(first);
    }

    @Test
    void staleFilesAreReplaced() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        Path log = dir.resolve("pgagroal.log");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("pgagroal." + port + ".pid"), gone.pid() + "\n");
        Path socket = dir.resolve(".s.PGSQL." + port);
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).as("closing a Unix socket leaves its file, as a killed pooler does").exists();

        long pid = detach(conf);
        PG.assertServes(port);
        assertThat(Files.readString(log)).contains("Removing stale pid file").contains("process " + gone.pid() + " is not running")
                .contains("Removing stale Unix socket " + socket);
        stop(pid);
    }

    @Test
    void sigabrtLogsAThreadDumpAndRemovesThePidFile() throws Exception {
        int port = Ports.free();
        Path conf = fileLogged(port);
        Path log = dir.resolve("pgagroal.log");
        long pid = detach(conf);
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(new ProcessBuilder("kill", "-ABRT", String.valueOf(pid)).start().waitFor()).isZero();
        daemon.onExit().get(15, TimeUnit.SECONDS);
        assertThat(dir.resolve("pgagroal." + port + ".pid")).doesNotExist();
        assertThat(Files.readString(log)).contains("Received SIGABRT").contains("Thread dump:")
                .contains("\"pgagroal-worker").contains("io.pgagroal.Main.call(Main.java");
    }

    /**
     * Started under nohup, which sets SIGHUP to "ignore" for the program it runs (as a nohup'd script
     * passes on to everything it starts), the pooler cannot handle SIGHUP (HotSpot keeps it ignored):
     * the log says so at start and names the other way to reload, and a SIGHUP then changes nothing.
     */
    @Test
    void warnsThatSighupCannotReloadUnderNohup() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = console");
        Path log = dir.resolve("nohup.log");
        ProcessBuilder builder = Daemon.command(List.of(), "-c", conf.toString(), "-a", hba().toString());
        builder.command().add(0, "nohup");
        Process daemon = PG.track(builder.redirectOutput(log.toFile()).start());
        Daemon.awaitListening(port, dir, daemon, log);
        Eventually.await("the warning about SIGHUP", () -> contains(log, "SIGHUP is ignored here: the process that"
                + " started pgagroal set it so (nohup does), and the JVM cannot handle a signal it inherits ignored;"
                + " reload with pgagroal-cli conf reload instead"));
        Daemon.signal(daemon, "HUP");
        PG.assertServes(port);
        assertThat(daemon.isAlive()).isTrue();
        assertThat(Files.readString(log)).doesNotContain("Received SIGHUP");
        stop(daemon.pid());
    }

    /**
     * bin/pgagroal lets Netty use sun.misc.Unsafe whatever the JDK (from JDK 25 on Netty needs an option
     * for it), and a pooler started without it says so and what to do.
     */
    @Test
    void runsNettyWithUnsafeUnderBinPgagroalAndWarnsWithout() throws Exception {
        int port = Ports.free();
        Path log = dir.resolve("bin.log");
        ProcessBuilder launcher = new ProcessBuilder(Path.of("bin/pgagroal").toAbsolutePath().toString(),
                "-c", configuration("pgagroal.conf", "127.0.0.1", port, "log_type = console").toString(), "-a", hba().toString());
        launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher.environment().put("PGAGROAL_JAR", ClassPathJar.get().toString());
        launcher.environment().remove("PGAGROAL_JAVA_OPTS");
        Process daemon = PG.track(launcher.redirectErrorStream(true).redirectOutput(log.toFile()).start());
        Daemon.awaitListening(port, dir, daemon, log);
        PG.assertServes(port);
        assertThat(Files.readString(log)).contains("Listening on").doesNotContain("sun.misc.Unsafe");
        stop(daemon.pid());

        int other = Ports.free();
        Path withoutLog = dir.resolve("without.log");
        Process without = PG.track(Daemon.command(List.of("-Dio.netty.noUnsafe=true"),
                "-c", configuration("other.conf", "127.0.0.1", other, "log_type = console").toString(), "-a", hba().toString())
                .redirectOutput(withoutLog.toFile()).start());
        Daemon.awaitListening(other, dir, without, withoutLog);
        PG.assertServes(other);
        assertThat(Files.readString(withoutLog)).contains("WARN  Main: Netty runs without sun.misc.Unsafe (")
                .contains("start the JVM with --sun-misc-unsafe-memory-access=allow as bin/pgagroal does");
        stop(without.pid());
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Outcome(int status, String output) {
    }

    /** Runs pgagroal to its end (with -d, until it returns), reading its output to the end. */
    private Outcome run(String... args) throws Exception {
        Process process = PG.track(Daemon.command(List.of(), args).start());
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pgagroal returns").isTrue();
        return new Outcome(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }

    /** pgagroal on {@code conf}, started beside a running one, exits 1 saying {@code why} and what is likely. */
    private void assertRefusedBeside(Path conf, String why) throws Exception {
        Outcome outcome = run("-c", conf.toString(), "-a", hba().toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.output()).contains(why).contains("is there another instance running?");
    }

    /** pgagroal -d: it returns 0 once the daemon listens, and its output ends (no daemon holds it). */
    private long detach(Path conf) throws Exception {
        Outcome outcome = run("-d", "-c", conf.toString(), "-a", hba().toString());
        assertThat(outcome.status()).as(outcome.output()).isZero();
        String line = outcome.output().lines().filter(l -> l.startsWith("pgagroal: running in the background as process "))
                .findFirst().orElseThrow(() -> new AssertionError(outcome.output()));
        return PG.track(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
    }

    /**
     * A stand-in for systemd: the Unix datagram socket that NOTIFY_SOCKET names to the pgagroal it runs
     * in the foreground, whose output goes to foreground.log.
     */
    private final class Systemd implements AutoCloseable {

        final Path log = dir.resolve("foreground.log");
        private final Path notify = dir.resolve("notify");
        private final Socket socket;

        Systemd() throws IOException {
            Epoll.ensureAvailability();
            socket = Socket.newSocketDomainDgram();
            try {
                socket.bind(new DomainSocketAddress(notify.toString()));
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        Process run(String... args) throws IOException {
            return run(List.of(), args);
        }

        Process run(List<String> jvmOptions, String... args) throws IOException {
            ProcessBuilder builder = Daemon.command(jvmOptions, args).redirectOutput(log.toFile());
            builder.environment().put("NOTIFY_SOCKET", notify.toString());
            return PG.track(builder.start());
        }

        /** The next datagram sent to the socket, failing if the daemon exits first. */
        String receive(Process daemon) throws Exception {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < 300; i++) {
                DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buffer, 0, buffer.capacity());
                if (from != null) {
                    return StandardCharsets.UTF_8.decode(buffer.limit(from.receivedAmount())).toString();
                }
                if (!daemon.isAlive()) {
                    throw new AssertionError("pgagroal exited with " + daemon.exitValue() + ":\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no notification:\n" + Files.readString(log));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void stop(long pid) throws Exception {
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(daemon.destroy()).isTrue();
        daemon.onExit().get(15, TimeUnit.SECONDS);
    }

    private Path hba() throws IOException {
        return Daemon.trustHba(dir);
    }

    /** pgagroal.conf on 127.0.0.1:{@code port} logging to pgagroal.log in the test's directory, as -d needs. */
    private Path fileLogged(int port) throws IOException {
        return configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
    }

    /** A pgagroal.conf on {@code host:port} with its sockets in the test's directory, with extra [pgagroal] lines. */
    private Path configuration(String name, String host, int port, String extra) throws IOException {
        return PG.configuration(dir, name, host, port, extra);
    }
}
