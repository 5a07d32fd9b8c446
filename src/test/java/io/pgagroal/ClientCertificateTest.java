package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * tls_ca_file: a client must present a certificate that chains to that CA. One signed by it is
 * accepted; one from another CA, or none, is refused at the handshake, before any startup packet.
 */
class ClientCertificateTest {

    static final Certificates CA = Certificates.authority("clients");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> ClientTlsTest.tls(b, SERVER).set("tls_ca_file", CA.caCertificate().toString()));

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    private static ProcessResult psql(Certificates.Pair client) {
        Map<String, String> environment = new HashMap<>(Map.of("PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", CA.caCertificate().toString(), "PGSSLCERT", "/nonexistent", "PGSSLKEY", "/nonexistent"));
        if (client != null) {
            environment.put("PGSSLCERT", client.certificate().toString());
            environment.put("PGSSLKEY", client.key().toString());
        }
        return Psql.script(PG.endpoint(), environment, "SELECT 'in';\n");
    }

    @Test
    void certificateOfTheCaIsAccepted() {
        assertThat(psql(CA.client(PoolerExtension.USER)).orThrow().stdout().trim()).isEqualTo("in");
    }

    @Test
    void certificateOfAnotherCaIsRefused() {
        try (Certificates other = Certificates.authority("stranger")) {
            ProcessResult result = psql(other.client(PoolerExtension.USER));
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stdout()).doesNotContain("in");
            assertThat(result.stderr()).containsIgnoringCase("alert");
        }
    }

    @Test
    void noCertificateIsRefused() {
        ProcessResult result = psql(null);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).doesNotContain("in");
    }
}
