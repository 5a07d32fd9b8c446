package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Command;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 5929's tls-server-end-point: for a SHA-256-signed certificate, its SHA-256 fingerprint as openssl prints it. */
class TlsServerEndPointTest {

    @Test
    void isTheFingerprintWithTheSignaturesHash() throws Exception {
        try (Certificates ca = Certificates.authority("endpoint")) {
            Certificates.Pair server = ca.server();
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(server.certificate())) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withRSA");
            String fingerprint = Command.of("openssl", "x509", "-in", server.certificate().toString(), "-noout",
                    "-fingerprint", "-sha256").run(Duration.ofSeconds(30)).orThrow().stdout().trim();
            String expected = fingerprint.substring(fingerprint.indexOf('=') + 1).replace(":", "").toLowerCase();
            assertThat(TlsServerEndPoint.of(certificate)).hasValueSatisfying(
                    hash -> assertThat(HexFormat.of().formatHex(hash)).isEqualTo(expected));
        }
    }
}
