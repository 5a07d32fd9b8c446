package io.pgagroal.testing;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

/** The few operating-system facts and file operations the harness needs. */
final class Os {

    /** The unprivileged account that runs PostgreSQL when the tests run as root. */
    static final String POSTGRES_USER = "postgres";

    private Os() {
    }

    static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /**
     * Makes {@code path} private (mode 700 or 600) and, as root, hands it to the postgres user,
     * which must be able to read it but which PostgreSQL insists is the only one that can.
     */
    static void makePrivate(Path path) throws IOException {
        Files.setPosixFilePermissions(path,
                PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
        if (isRoot()) {
            UserPrincipal owner;
            try {
                owner = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(POSTGRES_USER);
            } catch (IOException e) {
                throw new IllegalStateException("Running as root needs a '" + POSTGRES_USER
                        + "' user to run PostgreSQL (for example: useradd -r postgres)", e);
            }
            Files.setOwner(path, owner);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }
}
