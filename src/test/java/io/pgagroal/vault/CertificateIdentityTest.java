package io.pgagroal.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The identity verify-full compares (spec §1.4): a DNS name, else an e-mail, else a URI, else the CN. */
class CertificateIdentityTest {

    private static final Certificates CA = Certificates.authority("identity");

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    private static String identity(Certificates.Pair pair) throws Exception {
        try (InputStream in = Files.newInputStream(pair.certificate())) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return CertificateIdentity.of(certificate).orElseThrow();
        }
    }

    @Test
    void alternativeNamesInOrderThenTheCommonName() throws Exception {
        assertThat(identity(CA.clientWithNames("cn", "URI:https://u.example,email:e@example.com,DNS:dns"))).isEqualTo("dns");
        assertThat(identity(CA.clientWithNames("cn", "URI:https://u.example,email:e@example.com"))).isEqualTo("e@example.com");
        assertThat(identity(CA.clientWithNames("cn", "URI:https://u.example"))).isEqualTo("https://u.example");
        assertThat(identity(CA.clientWithNames("cn", "IP:127.0.0.1"))).as("an address is no identity").isEqualTo("cn");
        assertThat(identity(CA.client("app"))).isEqualTo("app");
    }
}
