package io.pgagroal.security;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS pgagroal-cli and pgagroal-vault speak to a pooler's remote management port (spec §8.4,
 * §13.3), as upstream decides it: only when {@code <home>/.pgagroal/pgagroal.key} is a regular file
 * readable by its owner alone (no group or other bit) and {@code pgagroal.crt} a regular file. Then an
 * SSLRequest is sent ({@code RemoteLoginClient}); on 'S' the handshake presents that certificate and
 * key, and verifies the pooler's chain against {@code root.crt} when that file exists (without it, any
 * certificate is accepted, as upstream); the host name is never checked. The files are read at each
 * connection, so renewed ones apply to the next one.
 */
public final class ManagementClientTls {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path key;
    private final Path certificate;
    private final Path root;

    private ManagementClientTls(Path directory) {
        this.key = directory.resolve("pgagroal.key");
        this.certificate = directory.resolve("pgagroal.crt");
        this.root = directory.resolve("root.crt");
    }

    /** The TLS of {@code <home>/.pgagroal}, or empty when its key and certificate are not there as upstream wants them. */
    public static Optional<ManagementClientTls> of(Path home) {
        ManagementClientTls tls = new ManagementClientTls(home.resolve(".pgagroal"));
        return tls.usable() ? Optional.of(tls) : Optional.empty();
    }

    private boolean usable() {
        if (!Files.isRegularFile(key) || !Files.isRegularFile(certificate)) {
            return false;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
            return permissions.contains(PosixFilePermission.OWNER_READ) && permissions.stream().noneMatch(OTHERS::contains);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The TLS handshake over {@code plain}, after the pooler answered 'S' to the SSLRequest.
     *
     * @throws IOException when the files cannot be used or the handshake fails
     */
    public Socket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket(plain, host, port, true);
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.startHandshake();
        return socket;
    }

    private SSLContext context() throws IOException {
        try {
            PrivateKey privateKey = PrivateKeys.read(key.toFile())
                    .orElseThrow(() -> new IOException("\"" + key + "\": not a PEM private key"));
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("pgagroal", privateKey, new char[0], certificates(certificate.toFile()));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS files of " + key.getParent() + ": " + e.getMessage(), e);
        }
    }

    private TrustManager[] trust() throws IOException, GeneralSecurityException {
        if (!Files.exists(root)) {
            return InsecureTrustManagerFactory.INSTANCE.getTrustManagers();
        }
        KeyStore authorities = KeyStore.getInstance("PKCS12");
        authorities.load(null, null);
        Certificate[] all = certificates(root.toFile());
        for (int i = 0; i < all.length; i++) {
            authorities.setCertificateEntry("root-" + i, all[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(authorities);
        return factory.getTrustManagers();
    }

    private static Certificate[] certificates(File file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            Certificate[] all = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
            if (all.length == 0) {
                throw new IOException("\"" + file + "\": no certificate in the file");
            }
            return all;
        }
    }
}
