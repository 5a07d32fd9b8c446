package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reload reads the TLS files again: new clients get the renewed certificate, a TLS session opened
 * before keeps working, and a broken certificate fails the reload and leaves the running one in force.
 */
class ClientTlsReloadTest {

    static final Certificates OLD = Certificates.authority("old");
    static final Certificates NEW = Certificates.authority("new");
    static final Certificates.Pair FILES = Certificates.copy(OLD.server(), OLD.directory().resolve("pooler"));

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> ClientTlsTest.tls(b, FILES));

    @AfterAll
    static void removeCertificates() {
        OLD.close();
        NEW.close();
    }

    private static ProcessResult verifyFull(Certificates authority) {
        return Psql.script(PG.endpoint(), Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT",
                authority.caCertificate().toString()), "SELECT 'hello';\n");
    }

    @Test
    void reloadPutsTheRenewedCertificateInForceAndKeepsSessions() throws SQLException, IOException {
        Properties properties = new Properties();
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", OLD.caCertificate().toString());
        try (Connection before = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties)) {
            assertThat(verifyFull(OLD).orThrow().stdout().trim()).isEqualTo("hello");

            Certificates.overwrite(FILES, NEW.server());
            assertThat(PG.pooler().reload(PG.pooler().config()).error()).isEmpty();
            assertThat(verifyFull(NEW).orThrow().stdout().trim()).as("a new client gets the new certificate").isEqualTo("hello");
            ProcessResult old = verifyFull(OLD);
            assertThat(old.exitCode()).isNotZero();
            assertThat(old.stderr()).contains("certificate verify failed");

            Files.writeString(FILES.certificate(), "not a certificate\n");
            var broken = PG.pooler().reload(PG.pooler().config());
            assertThat(broken.error()).hasValueSatisfying(error ->
                    assertThat(error).contains("tls_cert_file: \"" + FILES.certificate() + "\": not a valid certificate"));
            assertThat(verifyFull(NEW).orThrow().stdout().trim()).as("the running certificate stays").isEqualTo("hello");

            try (Statement statement = before.createStatement(); ResultSet rows = statement.executeQuery("SELECT 7")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("the session opened before the reloads").isEqualTo(7);
            }
        }
    }
}
