package io.pgagroal.testing;

import io.pgagroal.Main;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The daemon as an operator runs it: {@link Main} in a separate JVM with the tests' class path, its
 * console output written to a file, so that signals and the exit status are those of a real process;
 * and the files it is started with.
 */
public final class Daemon {

    private Daemon() {
    }

    /** Starts pgagroal with these JVM options and command-line arguments. */
    public static Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        return command(jvmOptions, args).redirectOutput(log.toFile()).start();
    }

    /** The command line of pgagroal with these JVM options and arguments, its stderr merged into stdout. */
    public static ProcessBuilder command(List<String> jvmOptions, String... args) {
        return command(Main.class, jvmOptions, args);
    }

    /** The command line of another of our programs ({@code main}: pgagroal-vault's, say), as {@link #command(List, String...)}. */
    public static ProcessBuilder command(Class<?> main, List<String> jvmOptions, String... args) {
        // the access options of the pom's argLine (the property: Netty keeps Unsafe on JDK 25, see there)
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dsun.misc.unsafe.memory.access=allow", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * Writes {@code file}, a pgagroal.conf listening on {@code host:port} with its Unix socket in the file's
     * directory, the {@code extra} [pgagroal] lines from line 5 on, and one server [primary]. Unless
     * {@code extra} sets it, {@code warmup = 0} follows them: the tests start daemons by the dozen,
     * and only the warm-up's own tests wait for it.
     */
    public static Path configuration(Path file, String host, int port, String extra, String serverHost, int serverPort)
            throws IOException {
        String lines = extra.contains("warmup") ? extra : extra + "\nwarmup = 0";
        return Files.writeString(file, """
                [pgagroal]
                host = %s
                port = %d
                unix_socket_dir = %s
                %s

                [primary]
                host = %s
                port = %d
                """.formatted(host, port, file.toAbsolutePath().getParent(), lines, serverHost, serverPort));
    }

    /** Writes {@code dir}/pgagroal_hba.conf trusting every client. */
    public static Path trustHba(Path dir) throws IOException {
        return Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all trust\n");
    }

    /** Waits for the TCP listener, then for the Unix socket in {@code socketDir}, which pgagroal binds just after it. */
    public static void awaitListening(int port, Path socketDir, Process daemon, Path log) throws Exception {
        Path unixSocket = socketDir.resolve(".s.PGSQL." + port);
        await(daemon, log, () -> accepts(port) && Files.exists(unixSocket));
    }

    /** Waits for another TCP listener of the daemon (the management port, bound after the clients'). */
    public static void awaitPort(int port, Process daemon, Path log) throws Exception {
        await(daemon, log, () -> accepts(port));
    }

    private static void await(Process daemon, Path log, BooleanSupplier ready) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!daemon.isAlive()) {
                throw new AssertionError("pgagroal exited with " + daemon.exitValue() + ":\n" + Files.readString(log));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pgagroal did not listen:\n" + Files.readString(log));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Sends SIG{@code name} to the daemon. */
    public static void signal(Process daemon, String name) {
        Command.of("kill", "-" + name, Long.toString(daemon.pid())).run(Duration.ofSeconds(10)).orThrow();
    }
}
