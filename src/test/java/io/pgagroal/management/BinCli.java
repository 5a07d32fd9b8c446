package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.testing.ClassPathJar;
import io.pgagroal.testing.Command;
import io.pgagroal.testing.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * bin/pgagroal-cli run as a process, as an operator runs it, on the classes under test: the launcher
 * is given (PGAGROAL_JAR) a {@link ClassPathJar}.
 */
record BinCli(ProcessResult result) {

    static BinCli run(Path conf, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of("bin/pgagroal-cli").toAbsolutePath().toString(), "-c", conf.toString()));
        command.addAll(List.of(args));
        return new BinCli(Command.of(command).env("PGAGROAL_JAR", ClassPathJar.get().toString())
                .env("JAVA_HOME", System.getProperty("java.home")).run(Duration.ofSeconds(60)));
    }

    int status() {
        return result.exitCode();
    }

    String out() {
        return result.stdout();
    }

    String err() {
        return result.stderr();
    }

    JsonNode json() {
        try {
            return new ObjectMapper().readTree(result.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + result.describe(), e);
        }
    }
}
