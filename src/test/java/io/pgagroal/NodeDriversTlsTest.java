package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.NodeScript;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Node.js drivers' own TLS cases through the pooler (issue 12): node-postgres verifying the
 * pooler's certificate, postgres.js "Connect using SSL require" and "Reconnect using SSL".
 */
class NodeDriversTlsTest {

    static final Certificates CA = Certificates.authority("node");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> ClientTlsTest.tls(b, SERVER))
            .hba("hostssl all all all trust");

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    @Test
    void nodePostgresAndPostgresJsOverTls() {
        JsonNode report = NodeScript.of("tls.mjs").endpoint("POOLER", PG.endpoint())
                .env("CA_FILE", CA.caCertificate().toString()).report(Duration.ofSeconds(60));
        assertThat(report.at("/pg/encrypted").asBoolean()).isTrue();
        assertThat(report.at("/pg/answer").asInt()).isEqualTo(42);
        assertThat(report.at("/postgres/first").asInt()).isEqualTo(1);
        assertThat(report.at("/postgres/again").asInt()).as("reconnected over TLS").isEqualTo(2);
    }
}
