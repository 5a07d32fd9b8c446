package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transaction pipeline with real clients: many clients share a few server connections. */
class TransactionPipelineTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    private static final Credentials VAULT = new Credentials(Map.of(PoolerExtension.USER, PoolerExtension.PASSWORD), Map.of(), null, null);

    @BeforeAll
    static void transactionMode() throws Exception {
        PG.restartPooler(VAULT, b -> b.set("pipeline", "transaction").set("allow_unknown_users", "off")
                .set("max_connections", "20").set("blocking_timeout", "30").limit("appdb app 5 5 5"),
                "host all all all scram-sha-256");
    }

    @Test
    void psqlWorks() {
        assertThat(Psql.query(PG.endpoint(), "SELECT 1 + 1").orThrow().stdout().trim()).isEqualTo("2");
    }

    @Test
    void pgbenchInEveryModeWith50ClientsOver5Connections() {
        Endpoint pooler = PG.endpoint();
        assertThat(Pgbench.initialize(pooler, 1).succeeded()).isTrue();
        for (Pgbench.Mode mode : Pgbench.Mode.values()) {
            PgbenchResult result = Pgbench.against(pooler).mode(mode).clients(50).threads(2).transactions(20).run();
            assertThat(result.process().succeeded()).as("%s: %s", mode, result.process().describe()).isTrue();
            assertThat(result.failedTransactions()).as(mode.name()).hasValue(0);
            assertThat(result.processedTransactions()).as(mode.name()).hasValue(1000);
        }
        assertThat(PG.pooler().totalConnections()).isLessThanOrEqualTo(5);
    }
}
