package io.pgagroal.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Writes configuration files into a test's temporary directory. */
final class ConfigFixture {

    final Path dir;

    ConfigFixture(Path dir) {
        this.dir = dir;
    }

    Path write(String name, String... lines) {
        try {
            return Files.write(dir.resolve(name), List.of(lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path writeWithMode(String name, String mode, String... lines) {
        Path path = write(name, lines);
        try {
            return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid pgagroal.conf: lines 1-4 are the [pgagroal] section, then {@code extra}, then server [primary]. */
    String[] conf(String... extra) {
        List<String> lines = new ArrayList<>(List.of(
                "[pgagroal]", "host = localhost", "port = 2345", "unix_socket_dir = " + dir));
        lines.addAll(List.of(extra));
        lines.addAll(List.of("", "[primary]", "host = localhost", "port = 5432"));
        return lines.toArray(String[]::new);
    }

    ConfigPaths paths(String... extra) {
        return new ConfigPaths(write("pgagroal.conf", conf(extra)), write("pgagroal_hba.conf", "host all all all trust"),
                null, null, null, null, null);
    }

    PgagroalConfig load(String... extra) throws ConfigException {
        return PgagroalConfig.load(paths(extra));
    }

    /** A builder with the required settings, one server and one HBA line. */
    PgagroalConfig.Builder builder() {
        return PgagroalConfig.builder()
                .set("host", "localhost")
                .set("port", "2345")
                .set("unix_socket_dir", dir.toString())
                .server("primary", "localhost", 5432)
                .hba("host all all all trust");
    }
}
