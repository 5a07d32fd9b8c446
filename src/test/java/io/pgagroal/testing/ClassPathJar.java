package io.pgagroal.testing;

import io.pgagroal.Main;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A jar for the launchers in bin/ (their PGAGROAL_JAR) that runs the classes under test: it holds
 * only a manifest whose Class-Path is this JVM's class path and whose Main-Class is pgagroal's, so
 * that {@code java -jar} and {@code java -cp} both work with it. Made once per test JVM.
 */
public final class ClassPathJar {

    private static Path jar;

    private ClassPathJar() {
    }

    public static synchronized Path get() {
        if (jar == null) {
            try {
                Path made = Files.createTempFile("pgagroal-classpath", ".jar");
                made.toFile().deleteOnExit();
                StringBuilder classPath = new StringBuilder();
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    classPath.append(Path.of(entry).toUri()).append(' ');
                }
                Manifest manifest = new Manifest();
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().strip());
                manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
                try (OutputStream out = Files.newOutputStream(made); JarOutputStream unused = new JarOutputStream(out, manifest)) {
                    // the manifest is the whole jar
                }
                jar = made;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jar;
    }
}
