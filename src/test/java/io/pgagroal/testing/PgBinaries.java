package io.pgagroal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Finds the installed PostgreSQL programs: the directory named by {@code $PG_BIN}, otherwise the
 * highest version under /usr/lib/postgresql (the Debian/Ubuntu layout). Client tools (psql,
 * pgbench) are taken from the same directory so that they match the server's version.
 */
public final class PgBinaries {

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private static Path directory;

    private PgBinaries() {
    }

    public static synchronized Path directory() {
        if (directory == null) {
            directory = locate();
        }
        return directory;
    }

    /** The path of one program, e.g. {@code tool("pgbench")}; fails clearly when it is not installed. */
    public static Path tool(String name) {
        Path tool = directory().resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException(name + " not found in " + directory()
                    + " (on Debian: apt-get install postgresql-client)");
        }
        return tool;
    }

    private static Path locate() {
        String fromEnv = System.getenv("PG_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path dir = Path.of(fromEnv);
            if (!Files.isExecutable(dir.resolve("postgres"))) {
                throw new IllegalStateException("PG_BIN=" + fromEnv + " does not contain a postgres binary");
            }
            return dir;
        }
        if (Files.isDirectory(DEBIAN_ROOT)) {
            try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
                return versions
                        .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                        .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                        .map(v -> v.resolve("bin"))
                        .orElseThrow(PgBinaries::notInstalled);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw notInstalled();
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("No PostgreSQL server binaries found: set PG_BIN to the directory "
                + "holding initdb, pg_ctl and postgres, or install them (Debian: apt-get install postgresql)");
    }
}
