package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Pass-through authentication against a PostgreSQL that asks for one method (the subclasses): right
 * and wrong passwords through pgJDBC and psql, and reuse of pooled connections, which for SCRAM
 * cannot happen (the exchange cannot be replayed) and for the others requires the same answer.
 */
abstract class AuthenticationTests {

    private final PoolerExtension pg;
    private final PostgresServer.AuthMethod method;

    AuthenticationTests(PoolerExtension pg, PostgresServer.AuthMethod method) {
        this.pg = pg;
        this.method = method;
    }

    private PoolerExtension pg() {
        return pg;
    }

    /** Whether PostgreSQL checks the password at all (not for trust). */
    private boolean checksPassword() {
        return method != PostgresServer.AuthMethod.TRUST;
    }

    /** Whether a connection of this method is pooled for the next client. */
    private boolean pooled() {
        return method != PostgresServer.AuthMethod.SCRAM;
    }

    private int pid(String password) throws SQLException, InterruptedException {
        try (Connection connection = pg().connect(PoolerExtension.USER, password, new Properties())) {
            ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()");
            rs.next();
            return rs.getInt(1);
        } finally {
            pg().awaitIdle();
        }
    }

    @Test
    void rightPasswordConnects() throws Exception {
        assertThat(pid(PoolerExtension.PASSWORD)).isPositive();
        assertThat(Psql.query(pg().endpoint(), "SELECT current_user").orThrow().stdout().trim()).isEqualTo(PoolerExtension.USER);
    }

    @Test
    void wrongPasswordIsRefusedOnNewAndPooledConnections() throws Exception {
        int first = pid(PoolerExtension.PASSWORD);
        if (!checksPassword()) {
            assertThat(pid("wrong")).isPositive();
            return;
        }
        assertThatThrownBy(() -> pid("wrong"))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        assertThat(Psql.query(pg().endpoint().withUser(PoolerExtension.USER, "wrong"), "SELECT 1").stderr())
                .contains("password authentication failed for user \"app\"");
        int again = pid(PoolerExtension.PASSWORD);
        if (pooled()) {
            assertThat(again).as("a refused client does not harm the pooled connection").isEqualTo(first);
        }
    }

    @Test
    void consecutiveClientsShareABackendWhenTheMethodAllows() throws Exception {
        int first = pid(PoolerExtension.PASSWORD);
        int second = pid(PoolerExtension.PASSWORD);
        if (pooled()) {
            assertThat(second).isEqualTo(first);
        } else {
            assertThat(second).as("SCRAM pass-through connections are closed on return").isNotEqualTo(first);
            assertThat(pg().pooler().totalConnections()).isZero();
        }
    }
}
