package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transaction pipeline carries TLS clients: pgbench with sslmode=require, many clients on few connections. */
class ClientTlsTransactionTest {

    static final Certificates CA = Certificates.authority("transaction");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.SCRAM);

    @BeforeAll
    static void transactionPipelineWithTls() throws Exception {
        PG.restartWithVault("transaction", b -> ClientTlsTest.tls(b, SERVER).set("max_connections", "20")
                .set("blocking_timeout", "30").limit("appdb app 4 4 4"), "hostssl all all all scram-sha-256");
    }

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    @Test
    void pgbenchWithSslmodeRequire() {
        Endpoint tls = PG.endpoint().withDatabase("dbname=" + PoolerExtension.DATABASE + " sslmode=require");
        assertThat(Pgbench.initialize(tls, 1).orThrow().exitCode()).isZero();
        PgbenchResult result = Pgbench.against(tls).clients(12).threads(2).transactions(50).run();
        assertThat(result.process().exitCode()).as(result.process().describe()).isZero();
        assertThat(result.processedTransactions()).hasValue(12 * 50);
        assertThat(result.failedTransactions().orElse(0)).isZero();
        PgbenchResult connecting = Pgbench.against(tls).selectOnly().connectPerTransaction().clients(4).transactions(25).run();
        assertThat(connecting.processedTransactions()).as(connecting.process().describe()).hasValue(4 * 25);
    }
}
