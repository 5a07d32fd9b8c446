package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.Eventually;
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
        String first = loginWithTheCurrentPassword();
        assertThat(first).hasSize(16);
        assertThatThrownBy(() -> PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, new Properties()))
                .as("the vault password is not a frontend password").isInstanceOf(SQLException.class);

        awaitRotation(first);
        String old = loginWithTheCurrentPassword();
        awaitRotation(old);
        assertThatThrownBy(() -> PG.connect(PoolerExtension.USER, old, new Properties()))
                .as("a rotated-out password is refused").isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }

    private static String current() {
        return PG.pooler().frontendPassword(PoolerExtension.USER).orElseThrow();
    }

    private static void awaitRotation(String from) throws InterruptedException {
        Eventually.await("the frontend password rotates", () -> !current().equals(from));
    }

    /**
     * Logs in with the password of the moment and returns it; tries again when the password
     * rotated between reading it and the login (a loaded machine can take more than the second).
     */
    private static String loginWithTheCurrentPassword() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            String password = current();
            try {
                PG.connect(PoolerExtension.USER, password, new Properties()).close();
                return password;
            } catch (SQLException e) {
                if (!"28P01".equals(e.getSQLState()) || password.equals(current()) || attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
