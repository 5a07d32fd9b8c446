package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process around the pooler, run as an operator runs it: separate JVMs started with -c and -a,
 * in the foreground under a stand-in for systemd (a Unix datagram socket named by NOTIFY_SOCKET), or
 * with -d. The pid file names the daemon and goes at stop; a second pooler on the same pid file or the
 * same Unix socket refuses to start and leaves the first one serving; stale files are replaced.
 */
class DaemonProcessTest {

    private static PostgresServer postgres;
    private final List<Long> started = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start(PostgresServer.AuthMethod.TRUST);
    }

    @AfterAll
    static void stopPostgres() {
        postgres.stop();
    }

    @AfterEach
    void stopDaemons() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void notifiesSystemdAndKeepsThePidFileWhileRunning() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = console");
        Path notify = dir.resolve("notify");
        Epoll.ensureAvailability();
        Socket systemd = Socket.newSocketDomainDgram();
        try {
            systemd.bind(new DomainSocketAddress(notify.toString()));
            Process daemon = foreground(Map.of("NOTIFY_SOCKET", notify.toString()), "-c", conf.toString(), "-a", hba().toString());
            String ready = receive(systemd, daemon);
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
                assertThat(client.isConnected()).as("the port accepts once READY=1 arrives").isTrue();
            }
            assertThat(ready).contains("READY=1").contains("MAINPID=" + daemon.pid()).contains("STATUS=Listening on port " + port);
            Path pidFile = dir.resolve("pgagroal." + port + ".pid");
            assertThat(Files.readString(pidFile)).isEqualTo(daemon.pid() + "\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pidFile))).isEqualTo("rw-r-----");
            assertServes(port);

            daemon.destroy();
            assertThat(receive(systemd, daemon)).contains("STOPPING=1");
            assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isZero();
            assertThat(pidFile).doesNotExist();
            assertThat(dir.resolve(".s.PGSQL." + port)).doesNotExist();
        } finally {
            systemd.close();
        }
    }

    @Test
    void detachesOnceListeningAndStopsOnSigterm() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
        long pid = detach(conf);
        assertThat(ProcessHandle.of(pid)).as("the daemon runs after pgagroal -d returned").isPresent();
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).as("it is nobody's child here").doesNotContain(pid);
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst(".*\\) ", "").split(" ");
        assertThat(stat[3]).as("session id: setsid made it a session leader").isEqualTo(String.valueOf(pid));
        assertThat(stat[4]).as("no controlling terminal").isEqualTo("0");
        Path pidFile = dir.resolve("pgagroal." + port + ".pid");
        assertThat(Files.readString(pidFile)).isEqualTo(pid + "\n");
        assertServes(port);

        stop(pid);
        assertThat(pidFile).doesNotExist();
        assertThat(dir.resolve(".s.PGSQL." + port)).doesNotExist();
        assertThat(Files.readString(dir.resolve("pgagroal.log"))).contains("Received SIGTERM").contains("pgagroal stopped");
    }

    @Test
    void detachPassesTheDaemonsReadinessOnToSystemd() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
        Path notify = dir.resolve("notify");
        Epoll.ensureAvailability();
        Socket systemd = Socket.newSocketDomainDgram();
        try {
            systemd.bind(new DomainSocketAddress(notify.toString()));
            Process launcher = foreground(Map.of("NOTIFY_SOCKET", notify.toString()), "-d", "-c", conf.toString(), "-a", hba().toString());
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).as(Files.readString(dir.resolve("foreground.log"))).isZero();
            long pid = Long.parseLong(Files.readString(dir.resolve("pgagroal." + port + ".pid")).trim());
            started.add(pid);
            assertThat(receive(systemd, launcher)).contains("READY=1").contains("MAINPID=" + pid);
            stop(pid);
        } finally {
            systemd.close();
        }
    }

    @Test
    void detachReportsWhyTheDaemonCouldNotStart() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
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
    }

    @Test
    void secondInstanceWithTheSamePidFileIsRefused() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
        long first = detach(conf);
        Path pidFile = dir.resolve("pgagroal." + port + ".pid");

        Outcome outcome = run("-c", conf.toString(), "-a", hba().toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.output()).contains("pid file " + pidFile + " exists and names running process " + first)
                .contains("is there another instance running?");

        assertThat(Files.readString(pidFile)).isEqualTo(first + "\n");
        assertThat(dir.resolve(".s.PGSQL." + port)).exists();
        assertServes(port);
        stop(first);
    }

    @Test
    void secondInstanceOnTheSameUnixSocketIsRefused() throws Exception {
        int port = Ports.free();
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + dir.resolve("pgagroal.log"));
        long first = detach(conf);
        Path socket = dir.resolve(".s.PGSQL." + port);

        // Another address, so TCP binds and the Unix socket is what collides.
        Path second = configuration("second.conf", "127.0.0.2", port, "log_type = console\npidfile = " + dir.resolve("second.pid"));
        Outcome outcome = run("-c", second.toString(), "-a", hba().toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.output()).contains("the Unix socket " + socket + " is in use by process " + first)
                .contains("is there another instance running?");
        assertThat(dir.resolve("second.pid")).doesNotExist();

        assertThat(socket).exists();
        assertServes(port);
        stop(first);
    }

    @Test
    void staleFilesAreReplaced() throws Exception {
        int port = Ports.free();
        Path log = dir.resolve("pgagroal.log");
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + log);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("pgagroal." + port + ".pid"), gone.pid() + "\n");
        Path socket = dir.resolve(".s.PGSQL." + port);
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).as("closing a Unix socket leaves its file, as a killed pooler does").exists();

        long pid = detach(conf);
        assertServes(port);
        assertThat(Files.readString(log)).contains("Removing stale pid file").contains("process " + gone.pid() + " is not running")
                .contains("Removing stale Unix socket " + socket);
        stop(pid);
    }

    @Test
    void sigabrtLogsAThreadDumpAndRemovesThePidFile() throws Exception {
        int port = Ports.free();
        Path log = dir.resolve("pgagroal.log");
        Path conf = configuration("pgagroal.conf", "127.0.0.1", port, "log_type = file\nlog_path = " + log);
        long pid = detach(conf);
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(new ProcessBuilder("kill", "-ABRT", String.valueOf(pid)).start().waitFor()).isZero();
        daemon.onExit().get(15, TimeUnit.SECONDS);
        assertThat(dir.resolve("pgagroal." + port + ".pid")).doesNotExist();
        assertThat(Files.readString(log)).contains("Received SIGABRT").contains("Thread dump:")
                .contains("\"pgagroal-worker").contains("io.pgagroal.Main.call(Main.java");
    }

    private record Outcome(int status, String output) {
    }

    /** Runs pgagroal to its end (with -d, until it returns), reading its output to the end. */
    private Outcome run(String... args) throws Exception {
        Process process = builder(args).start();
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

    /** pgagroal -d: it returns 0 once the daemon listens, and its output ends (no daemon holds it). */
    private long detach(Path conf) throws Exception {
        Outcome outcome = run("-d", "-c", conf.toString(), "-a", hba().toString());
        assertThat(outcome.status()).as(outcome.output()).isZero();
        String line = outcome.output().lines().filter(l -> l.startsWith("pgagroal: running in the background as process "))
                .findFirst().orElseThrow(() -> new AssertionError(outcome.output()));
        long pid = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        started.add(pid);
        return pid;
    }

    /** pgagroal in the foreground, its output in foreground.log. */
    private Process foreground(Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = builder(args).redirectOutput(dir.resolve("foreground.log").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process.pid());
        return process;
    }

    private static ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** The next datagram sent to {@code socket}, failing if the daemon exits first. */
    private String receive(Socket socket, Process daemon) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < 300; i++) {
            DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buffer, 0, buffer.capacity());
            if (from != null) {
                return StandardCharsets.UTF_8.decode(buffer.limit(from.receivedAmount())).toString();
            }
            if (!daemon.isAlive()) {
                throw new AssertionError("pgagroal exited with " + daemon.exitValue() + ":\n" + Files.readString(dir.resolve("foreground.log")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no notification:\n" + Files.readString(dir.resolve("foreground.log")));
    }

    private static void stop(long pid) throws Exception {
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(daemon.destroy()).isTrue();
        daemon.onExit().get(15, TimeUnit.SECONDS);
    }

    private static void assertServes(int port) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", postgres.superuser());
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties)) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
    }

    private Path hba() throws IOException {
        return Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all trust\n");
    }

    /** A pgagroal.conf on {@code host:port} with its sockets in the test's directory, with extra [pgagroal] lines. */
    private Path configuration(String name, String host, int port, String extra) throws IOException {
        return Files.writeString(dir.resolve(name), """
                [pgagroal]
                host = %s
                port = %d
                unix_socket_dir = %s
                %s

                [primary]
                host = %s
                port = %d
                """.formatted(host, port, dir, extra, postgres.host(), postgres.port()));
    }
}
