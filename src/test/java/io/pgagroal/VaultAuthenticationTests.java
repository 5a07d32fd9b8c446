package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The pooler authenticates clients itself with the users-vault password, by every
 * pgagroal_hba.conf method, and logs in to a PostgreSQL that asks for one method (the subclasses):
 * every client method against every server method, with right and wrong passwords, through pgJDBC
 * and psql. Every method is pooled, SCRAM included.
 */
abstract class VaultAuthenticationTests {

    private static final String[] CLIENT_METHODS = {"trust", "password", "md5", "scram-sha-256"};

    private final PoolerExtension pg;

    VaultAuthenticationTests(PoolerExtension pg) {
        this.pg = pg;
    }

    private int pid(String password) throws SQLException, InterruptedException {
        try (Connection connection = pg.connect(PoolerExtension.USER, password, new Properties())) {
            ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()");
            rs.next();
            return rs.getInt(1);
        } finally {
            pg.awaitIdle();
        }
    }

    @Test
    void everyClientMethodWithRightAndWrongPasswords() throws Exception {
        for (String method : CLIENT_METHODS) {
            pg.restartPooler(PoolerExtension.VAULT, b -> { }, "host all all all " + method);
            int first = pid(PoolerExtension.PASSWORD);
            assertThat(pid(PoolerExtension.PASSWORD)).as("%s: pooled", method).isEqualTo(first);
            assertThat(Psql.query(pg.endpoint(), "SELECT current_user").orThrow().stdout().trim()).isEqualTo(PoolerExtension.USER);
            ProcessResult wrongPsql = Psql.query(pg.endpoint().withUser(PoolerExtension.USER, "wrong"), "SELECT 1");
            if (method.equals("trust")) {
                assertThat(pid("wrong")).as("trust asks nothing").isEqualTo(first);
                assertThat(wrongPsql.succeeded()).isTrue();
            } else {
                assertThatThrownBy(() -> pid("wrong")).as(method)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
                assertThat(wrongPsql.succeeded()).as(method).isFalse();
                assertThat(wrongPsql.stderr()).as(method).contains("password authentication failed for user \"app\"");
                assertThat(pid(PoolerExtension.PASSWORD)).as("%s: a refused client leaves the pool intact", method).isEqualTo(first);
            }
        }
    }

    @Test
    void frontendPasswordIsWhatClientsPresent() throws Exception {
        Credentials frontend = new Credentials(Map.of(PoolerExtension.USER, PoolerExtension.PASSWORD),
                Map.of(PoolerExtension.USER, "front-secret"), null, null);
        pg.restartPooler(frontend, b -> { }, "host all all all scram-sha-256");
        assertThat(pid("front-secret")).isPositive();
        assertThatThrownBy(() -> pid(PoolerExtension.PASSWORD)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void unknownUsersAreRefusedWhenNotAllowed() throws Exception {
        pg.postgres().createRole("stranger", "stranger-secret");
        pg.restartPooler(PoolerExtension.VAULT, b -> b.set("allow_unknown_users", "off"), "host all all all md5");
        assertThat(pid(PoolerExtension.PASSWORD)).isPositive();
        assertThatThrownBy(() -> pg.connect("stranger", "stranger-secret", new Properties()).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("not known to pgagroal");
        pg.restartPooler(PoolerExtension.VAULT, b -> b.set("allow_unknown_users", "on"), "host all all all md5");
        pg.connect("stranger", "stranger-secret", new Properties()).close();
    }
}
