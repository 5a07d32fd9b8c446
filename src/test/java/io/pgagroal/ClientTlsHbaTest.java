package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * hostssl and hostnossl decide on the client's real encryption: a hostssl entry refuses a cleartext
 * client and a hostnossl entry a TLS client, with PostgreSQL's FATAL text naming the encryption.
 */
class ClientTlsHbaTest {

    static final Certificates CA = Certificates.authority("hba");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> ClientTlsTest.tls(b, SERVER))
            .hba("hostssl appdb all all trust", "hostnossl postgres all all trust");

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    private static ProcessResult psql(String database, String sslmode) {
        return Psql.script(PG.endpoint().withDatabase(database), Map.of("PGSSLMODE", sslmode), "SELECT current_database();\n");
    }

    @Test
    void hostsslAdmitsTlsAndRefusesCleartext() {
        assertThat(psql("appdb", "require").orThrow().stdout().trim()).isEqualTo("appdb");
        ProcessResult refused = psql("appdb", "disable");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains(
                "FATAL:  no pgagroal_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"appdb\", no encryption");
    }

    @Test
    void hostnosslAdmitsCleartextAndRefusesTls() {
        assertThat(psql("postgres", "disable").orThrow().stdout().trim()).isEqualTo("postgres");
        ProcessResult refused = psql("postgres", "require");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains(
                "FATAL:  no pgagroal_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"postgres\", SSL encryption");
    }
}
