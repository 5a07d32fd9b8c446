package io.pgagroal.security;

import static io.pgagroal.config.Setting.TLS_CA_FILE;
import static io.pgagroal.config.Setting.TLS_CERT_FILE;
import static io.pgagroal.config.Setting.TLS_KEY_FILE;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.MainConfig;
import io.pgagroal.config.Setting;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context clients connect with ({@code tls}, {@code tls_cert_file}, {@code tls_key_file},
 * {@code tls_ca_file}; spec §13.3): TLS 1.2 and 1.3, no session tickets (the OpenSSL engine's default
 * in Netty), ALPN {@value #ALPN} (PostgreSQL 17), and with a CA file a client certificate chaining to it
 * is required at the handshake. It is built at start and again at each reload from the files as they
 * are then, so a renewed certificate is picked up by a reload; a connection keeps the handler, hence
 * the certificate, of its handshake. Every file is read here, so a broken or mismatched one is a
 * configuration error with its line rather than a failed handshake later.
 */
public final class ClientTls {

    /** The ALPN protocol name of PostgreSQL 17's direct TLS. */
    public static final String ALPN = "postgresql";

    private static final Logger LOG = LoggerFactory.getLogger(ClientTls.class);

    private final SslContext context;

    private ClientTls(SslContext context) {
        this.context = context;
    }

    /** The context for {@code main}, or empty when {@code tls = off}. */
    public static Optional<ClientTls> load(MainConfig main) throws ConfigException {
        if (!main.tls()) {
            return Optional.empty();
        }
        File cert = new File(main.tlsCertFile());
        File key = new File(main.tlsKeyFile());
        X509Certificate certificate = certificates(main, cert, TLS_CERT_FILE);
        PrivateKey privateKey = PrivateKeys.read(key)
                .orElseThrow(() -> main.error(TLS_KEY_FILE, "\"" + key + "\": not a PEM private key"));
        requireMatch(main, certificate, privateKey);
        SslContextBuilder builder = SslContextBuilder.forServer(cert, key)
                .sslProvider(TlsProvider.provider())
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ALPN));
        if (main.tlsCaFile() != null) {
            File ca = new File(main.tlsCaFile());
            certificates(main, ca, TLS_CA_FILE);
            builder.trustManager(ca).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return Optional.of(new ClientTls(builder.build()));
        } catch (SSLException | IllegalArgumentException e) {
            throw main.error(TLS_CERT_FILE, "cannot build the TLS context: " + e.getMessage());
        }
    }

    /** The handler that runs the server side of a client's TLS handshake. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /**
     * The handshake with the client on {@code channel}, to put first in its pipeline once it was told
     * 'S' (or sent TLS directly). A failed handshake is logged and closes the connection: nothing is
     * ever answered in clear to a client that asked for TLS.
     */
    public SslHandler handshake(Channel channel) {
        SslHandler handler = newHandler(channel.alloc());
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                LOG.info("TLS handshake failed: address={}: {}", channel.remoteAddress(), f.cause().getMessage());
                channel.close();
            }
        });
        return handler;
    }

    /** Whether {@code channel} is on TLS: an SslHandler is in its pipeline. */
    public static boolean encrypted(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /**
     * The tls-server-end-point data of the channel's TLS session, to offer SCRAM-SHA-256-PLUS with;
     * null when it is not on TLS or its certificate's signature has no usable hash.
     */
    public static byte[] channelBinding(Channel channel) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        return handler == null ? null : TlsServerEndPoint.of(handler.engine().getSession()).orElse(null);
    }

    /**
     * The first certificate of a PEM file, which must hold at least one. An expired one is served, as
     * PostgreSQL does: clients that verify refuse it, the others go on, and a restart does not fail.
     */
    private static X509Certificate certificates(MainConfig main, File file, Setting setting)
            throws ConfigException {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            var all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.isEmpty()) {
                throw main.error(setting, '"' + file.toString() + "\": no certificate in the file");
            }
            return (X509Certificate) all.iterator().next();
        } catch (IOException | GeneralSecurityException e) {
            throw main.error(setting, '"' + file.toString() + "\": not a valid certificate: " + e.getMessage());
        }
    }

    /** A key that is not the certificate's would fail every handshake: refuse it now. */
    private static void requireMatch(MainConfig main, X509Certificate certificate, PrivateKey key) throws ConfigException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "pgagroal".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: reported below
        }
        throw main.error(TLS_KEY_FILE, '"' + main.tlsKeyFile() + "\": does not match the certificate of tls_cert_file");
    }
}
