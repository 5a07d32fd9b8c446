package io.pgagroal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's pid file ({@code <pid>\n}, mode 0640, spec §13.1). It is created exclusively (a hard
 * link to a complete temporary file, which fails if the name exists), so of two poolers started at
 * once only one gets it and no one reads a half-written pid. A file naming a live process other than
 * this one means another instance runs: start-up stops and the file is left alone. A file naming no
 * live process (a pooler killed with SIGKILL, a container restarted with the same pid) is stale and
 * replaced. {@link #remove()} deletes the file only while it still names this process, so a stop
 * never removes another instance's file.
 */
final class PidFile {

    private static final Logger LOG = LoggerFactory.getLogger(PidFile.class);

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    /** Writes {@code path} for the current process, or throws naming the other instance. */
    static PidFile create(Path path) throws IOException {
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++) {
            try {
                write(path, pid);
                return new PidFile(path, pid);
            } catch (FileAlreadyExistsException e) {
                OptionalLong other = read(path);
                if (other.isPresent() && other.getAsLong() != pid && ProcessHandle.of(other.getAsLong()).isPresent()) {
                    throw new IOException("pid file " + path + " exists and names running process " + other.getAsLong()
                            + ": is there another instance running?");
                }
                if (attempt > 0) {
                    throw new IOException("could not replace the stale pid file " + path, e);
                }
                LOG.info("Removing stale pid file {} ({})", path, other.isEmpty() ? "it holds no pid"
                        : other.getAsLong() == pid ? "it names this process, left by an earlier run"
                        : "process " + other.getAsLong() + " is not running");
                Files.deleteIfExists(path);
            }
        }
    }

    private static void write(Path path, long pid) throws IOException {
        try {
            link(path, pid);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("could not write the pid file " + path + ": " + e, e);
        }
    }

    private static void link(Path path, long pid) throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + "." + pid + ".tmp");
        Files.deleteIfExists(temporary);
        if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } else {
            Files.createFile(temporary);
        }
        try {
            Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
            Files.createLink(path, temporary);
        } finally {
            Files.delete(temporary);
        }
    }

    private static OptionalLong read(Path path) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(path, StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Deletes the file if it still names this process; safe to call more than once. */
    void remove() {
        try {
            if (read(path).equals(OptionalLong.of(pid))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the pid file {}: {}", path, e.toString());
        }
    }
}
