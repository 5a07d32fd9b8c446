package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.testing.Command;
import io.pgagroal.testing.ProcessResult;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * bin/pgagroal-cli run as a process, as an operator runs it, on the classes under test: the launcher
 * is given (PGAGROAL_JAR) a jar holding only a manifest whose Class-Path is this JVM's class path.
 */
record BinCli(ProcessResult result) {

    private static Path classPathJar;

    static BinCli run(Path conf, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of("bin/pgagroal-cli").toAbsolutePath().toString(), "-c", conf.toString()));
        command.addAll(List.of(args));
        return new BinCli(Command.of(command).env("PGAGROAL_JAR", classPathJar().toString())
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

    private static synchronized Path classPathJar() {
        if (classPathJar == null) {
            try {
                Path jar = Files.createTempFile("pgagroal-classpath", ".jar");
                jar.toFile().deleteOnExit();
                StringBuilder classPath = new StringBuilder();
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    classPath.append(Path.of(entry).toUri()).append(' ');
                }
                Manifest manifest = new Manifest();
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().strip());
                try (OutputStream out = Files.newOutputStream(jar); JarOutputStream unused = new JarOutputStream(out, manifest)) {
                    // the manifest is the whole jar
                }
                classPathJar = jar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classPathJar;
    }
}
