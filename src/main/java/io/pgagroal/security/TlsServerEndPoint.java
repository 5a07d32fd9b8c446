package io.pgagroal.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The channel-binding data of type tls-server-end-point (RFC 5929 §4.1) that SCRAM-SHA-256-PLUS binds
 * to: the hash of the server certificate this TLS session presented, with the hash function of the
 * certificate's signature, SHA-256 when that is MD5 or SHA-1. A certificate signed otherwise (RSASSA-PSS,
 * Ed25519) has no such hash, as in PostgreSQL, so -PLUS is not offered on it.
 */
public final class TlsServerEndPoint {

    public static final String TYPE = "tls-server-end-point";

    private TlsServerEndPoint() {
    }

    /** The data for the certificate {@code session} presented, or empty when it has none. */
    public static Optional<byte[]> of(SSLSession session) {
        Certificate[] local = session.getLocalCertificates();
        return local != null && local.length > 0 && local[0] instanceof X509Certificate certificate
                ? of(certificate) : Optional.empty();
    }

    static Optional<byte[]> of(X509Certificate certificate) {
        String signature = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        int with = signature.indexOf("WITH");
        if (with <= 0) {
            return Optional.empty();
        }
        String hash = signature.substring(0, with);
        String digest = switch (hash) {
            case "MD5", "SHA1", "SHA256" -> "SHA-256";
            case "SHA224" -> "SHA-224";
            case "SHA384" -> "SHA-384";
            case "SHA512" -> "SHA-512";
            default -> null;
        };
        if (digest == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageDigest.getInstance(digest).digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return Optional.empty();
        }
    }
}
