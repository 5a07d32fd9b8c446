package io.pgagroal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lines of one configuration file and the name used in messages. Files and the builder's pseudo
 * files ({@code <pgagroal.conf>}) both become a Source, which is why the builder runs exactly the same
 * parsing and validation as a file on disk.
 */
record Source(String name, List<String> lines) {

    Source {
        lines = List.copyOf(lines);
    }

    static Source read(Path path) throws ConfigException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ConfigException(name, 0, null, "file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(name, 0, null, "not a regular file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ConfigException(name, 0, null, "cannot read the file: " + e.getMessage());
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new ConfigException(name, 0, null, "binary file (contains NUL bytes)");
            }
        }
        return new Source(name, new String(bytes, StandardCharsets.UTF_8).lines().toList());
    }
}
