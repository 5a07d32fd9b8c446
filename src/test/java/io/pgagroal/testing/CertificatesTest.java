package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class CertificatesTest {

    @Test
    void signsServerAndClientCertificatesThatChainToTheAuthority() throws Exception {
        try (Certificates authority = Certificates.authority("unit")) {
            X509Certificate ca = read(authority.caCertificate());
            X509Certificate server = read(authority.server().certificate());
            X509Certificate client = read(authority.client("alice").certificate());
            server.verify(ca.getPublicKey());
            client.verify(ca.getPublicKey());
            assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            assertThat(server.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .contains("localhost", "127.0.0.1");
            assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=alice");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(authority.client("bob").key())))
                    .isEqualTo("rw-------");
        }
    }

    private static X509Certificate read(java.nio.file.Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
