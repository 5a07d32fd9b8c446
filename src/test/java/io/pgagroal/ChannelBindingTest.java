package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SCRAM-SHA-256-PLUS when the pooler authenticates a TLS client itself: psql and pgJDBC with channel
 * binding required log in (they refuse to unless the server offered -PLUS and proved it holds the
 * certificate they saw), while a cleartext client is offered SCRAM-SHA-256 alone.
 */
class ChannelBindingTest {

    static final Certificates CA = Certificates.authority("binding");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.SCRAM);

    @BeforeAll
    static void poolerAuthenticatesWithScram() throws Exception {
        PG.restartWithVault("session", b -> ClientTlsTest.tls(b, SERVER), "host all all all scram-sha-256");
    }

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    @Test
    void psqlWithChannelBindingRequire() {
        String out = Psql.script(PG.endpoint(), Map.of("PGSSLMODE", "require", "PGCHANNELBINDING", "require"),
                "SELECT current_user;\n").orThrow().stdout().trim();
        assertThat(out).isEqualTo(PoolerExtension.USER);
    }

    @Test
    void pgjdbcWithChannelBindingRequire() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", CA.caCertificate().toString());
        properties.setProperty("channelBinding", "require");
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
             ResultSet rows = connection.createStatement().executeQuery("SELECT 5")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(5);
        }
    }

    @Test
    void cleartextClientIsNotOfferedPlus() {
        ProcessResult bound = Psql.script(PG.endpoint(), Map.of("PGSSLMODE", "disable", "PGCHANNELBINDING", "require"),
                "SELECT 1;\n");
        assertThat(bound.exitCode()).isNotZero();
        assertThat(bound.stderr()).contains("channel binding required");
        assertThat(Psql.script(PG.endpoint(), Map.of("PGSSLMODE", "disable"), "SELECT 1;\n").orThrow().stdout().trim())
                .isEqualTo("1");
    }

    @Test
    void wrongPasswordIsStillRefusedOverPlus() {
        ProcessResult result = Psql.script(PG.endpoint().withUser(PoolerExtension.USER, "wrong"),
                Map.of("PGSSLMODE", "require", "PGCHANNELBINDING", "require"), "SELECT 1;\n");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("password authentication failed for user \"app\"");
    }
}
