package io.pgagroal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A certificate authority of a test's own, made with the openssl command in a temp dir: its
 * certificate, and certificates it signs for servers (CN and subjectAltName localhost and
 * 127.0.0.1) and for clients (CN = the user name, as PostgreSQL's {@code cert} method and
 * {@code clientcert=verify-full} expect). Keys are PEM (PKCS#8), mode 0600 and owned by the test's
 * user (a PostgreSQL server needs its own copy, owned by postgres). Every call makes fresh files;
 * {@link #close()} deletes them all.
 */
public final class Certificates implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A certificate and its private key. */
    public record Pair(Path certificate, Path key) {
    }

    private final Path directory;
    private final Path caCertificate;
    private final Path caKey;
    private int serial;

    private Certificates(Path directory, String name) {
        this.directory = directory;
        this.caCertificate = directory.resolve(name + "-ca.crt");
        this.caKey = directory.resolve(name + "-ca.key");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name + " test CA",
                "-keyout", caKey.toString(), "-out", caCertificate.toString());
    }

    /** A new authority named {@code name} (its files and those it signs start with the name). */
    public static Certificates authority(String name) {
        try {
            Path directory = Files.createTempDirectory("pgagroal-tls");
            return new Certificates(directory, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caCertificate() {
        return caCertificate;
    }

    public Path directory() {
        return directory;
    }

    /** A server certificate for localhost and 127.0.0.1 (what verify-full checks against). */
    public Pair server() {
        return sign("localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    /** A server certificate whose names do not include localhost or 127.0.0.1 (verify-full refuses it). */
    public Pair serverNamed(String hostName) {
        return sign(hostName, "subjectAltName=DNS:" + hostName);
    }

    /** A client certificate whose CN is {@code user}. */
    public Pair client(String user) {
        return sign(user, "extendedKeyUsage=clientAuth");
    }

    /** A client certificate with CN {@code commonName} and these subject alternative names ({@code DNS:x,email:y}). */
    public Pair clientWithNames(String commonName, String subjectAltNames) {
        return sign(commonName, "extendedKeyUsage=clientAuth\nsubjectAltName=" + subjectAltNames);
    }

    /**
     * A copy of {@code pair} as {@code <prefix>.crt} and {@code <prefix>.key} (mode 0600): files of a
     * test's own whose contents {@link #overwrite} replaces in place, as an operator renews certificates.
     */
    public static Pair copy(Pair pair, Path prefix) {
        Pair copy = new Pair(Path.of(prefix + ".crt"), Path.of(prefix + ".key"));
        try {
            Files.createFile(copy.key(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            overwrite(copy, pair);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /**
     * Puts {@code client} where pgagroal-cli and pgagroal-vault look for it (spec §8.4):
     * {@code <home>/.pgagroal/pgagroal.crt} and {@code pgagroal.key} (0600), and {@code root} as
     * {@code root.crt} unless null; the directory 0700, as the master key wants it. Returns {@code home}.
     */
    public static Path managementClient(Path home, Pair client, Path root) {
        try {
            Path directory = home.resolve(".pgagroal");
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            copy(client, directory.resolve("pgagroal"));
            if (root != null) {
                Files.copy(root, directory.resolve("root.crt"));
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the contents of {@code source} into the files of {@code target}, keeping their modes. */
    public static void overwrite(Pair target, Pair source) throws IOException {
        Files.write(target.certificate(), Files.readAllBytes(source.certificate()));
        Files.write(target.key(), Files.readAllBytes(source.key()));
    }

    private Pair sign(String commonName, String extension) {
        String name = commonName.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + (++serial);
        Path key = directory.resolve(name + ".key");
        Path request = directory.resolve(name + ".csr");
        Path certificate = directory.resolve(name + ".crt");
        Path extensions = directory.resolve(name + ".ext");
        try {
            Files.writeString(extensions, extension + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName, "-keyout", key.toString(),
                "-out", request.toString());
        openssl("x509", "-req", "-in", request.toString(), "-CA", caCertificate.toString(), "-CAkey", caKey.toString(),
                "-set_serial", String.valueOf(System.nanoTime() & 0x7fffffffffffL), "-days", "2",
                "-extfile", extensions.toString(), "-out", certificate.toString());
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Pair(certificate, key);
    }

    private static void openssl(String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Command.of(command).run(TIMEOUT).orThrow();
    }

    @Override
    public void close() {
        Os.deleteRecursively(directory);
    }
}
