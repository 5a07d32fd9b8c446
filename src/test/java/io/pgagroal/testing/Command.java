package io.pgagroal.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program to completion with a timeout and captures what it prints.
 *
 * <p>Output goes to temporary files rather than pipes: {@code pg_ctl start} leaves a postmaster
 * behind, and a child that inherits our pipe would keep it open forever, so reading a pipe to its
 * end could hang even though the command we ran has exited.
 */
public final class Command {

    private final List<String> command;
    private final Map<String, String> environment = new HashMap<>();
    private Path directory;
    private String stdin;

    private Command(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static Command of(List<String> command) {
        return new Command(command);
    }

    public static Command of(String... command) {
        return new Command(List.of(command));
    }

    /**
     * A command for the PostgreSQL server programs (initdb, pg_ctl): PostgreSQL refuses to run as
     * root, so as root it runs through {@code runuser} as the {@code postgres} user.
     */
    public static Command asPostgresUser(List<String> command) {
        if (!Os.isRoot()) {
            return new Command(command);
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", Os.POSTGRES_USER, "--"));
        wrapped.addAll(command);
        return new Command(wrapped);
    }

    public Command env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Command directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /** Text fed to the program's standard input; without it the program reads /dev/null. */
    public Command stdin(String text) {
        this.stdin = text;
        return this;
    }

    public ProcessResult run(Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cmd", ".out");
            err = Files.createTempFile("cmd", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                                                 : ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(environment);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process = builder.start();
            if (stdin != null) {
                try (Writer writer = process.outputWriter(StandardCharsets.UTF_8)) {
                    writer.write(stdin);
                }
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            return new ProcessResult(command, finished ? process.exitValue() : -1, !finished,
                    Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A leftover capture file in the temp dir is harmless.
            }
        }
    }
}
