package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rotate_frontend_password_timeout: clients must present the current random frontend password. */
class FrontendPasswordRotationTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    @Test
    void onlyTheCurrentRotatedPasswordIsAccepted() throws Exception {
        Credentials vault = new Credentials(Map.of(PoolerExtension.USER, PoolerExtension.PASSWORD), Map.of(), null, null);
        PG.restartPooler(vault, b -> b.set("rotate_frontend_password_timeout", "1").set("rotate_frontend_password_length", "16"),
                "host all all all scram-sha-256");
        String first = PG.pooler().frontendPassword(PoolerExtension.USER).orElseThrow();
        assertThat(first).hasSize(16);
        PG.connect(PoolerExtension.USER, first, new Properties()).close();
        assertThatThrownBy(() -> PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, new Properties()))
                .as("the vault password is not a frontend password").isInstanceOf(SQLException.class);

        String next = first;
        for (int i = 0; i < 50 && next.equals(first); i++) {
            Thread.sleep(100);
            next = PG.pooler().frontendPassword(PoolerExtension.USER).orElseThrow();
        }
        assertThat(next).isNotEqualTo(first);
        String current = next;
        PG.connect(PoolerExtension.USER, current, new Properties()).close();
        Thread.sleep(1100);
        String old = current;
        assertThatThrownBy(() -> PG.connect(PoolerExtension.USER, old, new Properties()))
                .as("a rotated-out password is refused").isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }
}
