package io.pgagroal;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code pgagroal -d}: the same command line is started again as a new JVM in a session of its own
 * (setsid(1)), with no terminal on its standard streams, and this process waits until that daemon
 * listens. A JVM cannot fork, so it re-executes itself; it cannot tell when a child listens either,
 * so it waits the way systemd does: the child is given {@code $NOTIFY_SOCKET} naming an abstract Unix
 * datagram socket bound here, and {@link Notifier} sends READY=1 once the pooler listens, or a STATUS
 * saying why start-up failed before it exits. The command then exits 0, or with the daemon's status
 * and that reason. When this command itself runs under systemd ({@code $NOTIFY_SOCKET} set), the
 * daemon's READY=1 with its MAINPID is passed on, so systemd follows the daemon.
 */
final class Detach {

    /** Set in the daemon's environment: this process is the detached one and runs in the foreground. */
    static final String DETACHED = "PGAGROAL_DETACHED";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 20;

    private Detach() {
    }

    static boolean isDetached() {
        return System.getenv(DETACHED) != null;
    }

    /**
     * Starts the daemon and waits for it, as long as its warm-up may take ({@code warmup}) more;
     * returns the exit status of {@code pgagroal -d}.
     */
    static int launch(PrintStream out, PrintStream err, Duration warmup) throws IOException, InterruptedException {
        Optional<Path> setsid = onPath("setsid");
        if (!Epoll.isAvailable() || setsid.isEmpty()) {
            err.println("pgagroal: -d/--daemon needs Linux with setsid(1) and Netty's native epoll library;"
                    + " run pgagroal in the foreground under a service manager instead");
            return 1;
        }
        String name = "@pgagroal-ready-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        Socket socket = Socket.newSocketDomainDgram();
        try {
            socket.bind(new DomainSocketAddress(new String(Notifier.address(name), StandardCharsets.UTF_8)));
            ProcessBuilder builder = new ProcessBuilder(command(setsid.get()))
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put(DETACHED, "1");
            builder.environment().put(Notifier.NOTIFY_SOCKET, name);
            return await(builder.start(), socket, Notifier.fromEnvironment(), out, err, READY_TIMEOUT.plus(warmup));
        } finally {
            socket.close();
        }
    }

    /**
     * This JVM's own command line (java, its options, the class or jar, the arguments), after setsid.
     * The arguments come from /proc/self/cmdline: ProcessHandle.Info gives none when the command line
     * is long (a test's class path in a deep checkout).
     */
    private static List<String> command(Path setsid) throws IOException {
        List<String> command = new ArrayList<>(List.of(setsid.toString(), ProcessHandle.current().info().command().orElseThrow()));
        // NUL-terminated strings: the java binary (named above), then the arguments; -1 keeps empty ones
        String text = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
        List<String> cmdline = List.of(text.split("\0", -1));
        command.addAll(cmdline.subList(1, cmdline.size() - 1));
        return command;
    }

    private static int await(Process daemon, Socket socket, Notifier outer, PrintStream out, PrintStream err, Duration timeout)
            throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        String status = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean exited = !daemon.isAlive();
            for (DomainDatagramSocketAddress from; (from = socket.recvFromDomainSocket(buffer.clear(), 0, buffer.capacity())) != null; ) {
                String message = StandardCharsets.UTF_8.decode(buffer.limit(from.receivedAmount())).toString();
                status = field(message, "STATUS").orElse(status);
                if (field(message, "READY").isPresent()) {
                    outer.send(message);
                    out.println("pgagroal: running in the background as process " + daemon.pid());
                    return 0;
                }
            }
            if (exited) {
                err.println("pgagroal: the daemon exited with status " + daemon.exitValue() + " before it listened"
                        + (status == null ? " (run pgagroal without -d to see why)" : ": " + status));
                return daemon.exitValue() == 0 ? 1 : daemon.exitValue();
            }
            Thread.sleep(POLL_MILLIS);
        }
        daemon.destroy();
        err.println("pgagroal: the daemon (process " + daemon.pid() + ") did not listen within " + timeout.toSeconds()
                + " s and was stopped" + (status == null ? "" : "; its last status: " + status));
        return 1;
    }

    private static Optional<String> field(String message, String key) {
        return message.lines().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1)).findFirst();
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }
}
