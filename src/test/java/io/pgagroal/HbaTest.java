package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.Psql;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgagroal_hba.conf decides admission on the client's real address: reject, no match, CIDR. */
class HbaTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .hba("host all blocked all reject",
                    "host appdb all 10.0.0.0/8 trust",
                    "host appdb all 127.0.0.0/30 trust",
                    "host postgres all ::1/128 trust");

    @Test
    void matchingEntryAdmits() throws SQLException {
        PG.connect().close();
        assertThat(Psql.query(PG.unixEndpoint(), "SELECT 1").orThrow().stdout().trim())
                .as("a Unix-socket client counts as 127.0.0.1").isEqualTo("1");
    }

    @Test
    void rejectEntryRefuses() {
        SQLException error = refused("blocked", PoolerExtension.DATABASE);
        assertThat(error.getSQLState()).isEqualTo("28000");
        assertThat(error.getMessage()).contains("pgagroal_hba.conf rejects connection for host \"127.0.0.1\", user \"blocked\"");
    }

    @Test
    void noMatchingEntryRefuses() {
        SQLException error = refused(PoolerExtension.USER, "postgres");
        assertThat(error.getSQLState()).isEqualTo("28000");
        assertThat(error.getMessage())
                .contains("no pgagroal_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"postgres\"");
    }

    private static SQLException refused(String user, String database) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        try {
            java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG.pooler().port() + "/" + database, properties).close();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("the connection was admitted");
    }
}
