package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * auth_query with no users file: the pooler looks up each user's hash through
 * pgagroal_get_password($1) as the superuser, checks the client against it, and logs in to
 * PostgreSQL without a plaintext password (the MD5 hash, or the ClientKey recovered from the
 * client's SCRAM proof). PostgreSQL's md5 method lets SCRAM-stored roles use SCRAM, so one server
 * serves both kinds of role.
 */
class AuthQueryTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.MD5);

    private static final String FUNCTION = """
            CREATE FUNCTION public.pgagroal_get_password(p_user name) RETURNS TABLE (passwd text)
            LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
            AS $$SELECT passwd FROM pg_shadow WHERE usename = p_user$$;
            REVOKE ALL ON FUNCTION public.pgagroal_get_password(name) FROM PUBLIC;
            """;

    @BeforeAll
    static void roles() throws Exception {
        PG.postgres().execute("""
                SET password_encryption = 'scram-sha-256';
                CREATE ROLE scram_user LOGIN PASSWORD 'scram-secret';
                CREATE ROLE "o'brien" LOGIN PASSWORD 'quote-secret';
                SET password_encryption = 'md5';
                CREATE ROLE md5_user LOGIN PASSWORD 'md5-secret';
                """);
        Psql.script(PG.postgres().superuserEndpoint().withDatabase(PoolerExtension.DATABASE), FUNCTION).orThrow();
        Credentials superuser = new Credentials(Map.of(), Map.of(), PG.postgres().superuser(), PG.postgres().superuserPassword());
        PG.restartPooler(superuser, b -> b.set("auth_query", "on"), "host all all all all");
    }

    private static int pid(String user, String password) throws SQLException, InterruptedException {
        try (Connection connection = PG.connect(user, password, new Properties())) {
            ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid() || ' ' || current_user");
            rs.next();
            String[] row = rs.getString(1).split(" ");
            assertThat(row[1]).isEqualTo(user);
            return Integer.parseInt(row[0]);
        } finally {
            PG.awaitIdle();
        }
    }

    @Test
    void scramRoleEndToEndWithoutPlaintext() throws Exception {
        int first = pid("scram_user", "scram-secret");
        assertThat(pid("scram_user", "scram-secret")).as("pooled").isEqualTo(first);
        assertThat(PG.postgres().query("SELECT usename FROM pg_stat_activity WHERE pid = " + first).trim()).isEqualTo("scram_user");
        assertWrongPasswordRefused("scram_user");
        assertThat(Psql.query(PG.endpoint().withUser("scram_user", "scram-secret"), "SELECT current_user").orThrow().stdout().trim())
                .isEqualTo("scram_user");
    }

    @Test
    void md5RoleEndToEnd() throws Exception {
        int first = pid("md5_user", "md5-secret");
        assertThat(pid("md5_user", "md5-secret")).as("pooled").isEqualTo(first);
        assertWrongPasswordRefused("md5_user");
    }

    @Test
    void userNameWithAQuoteIsPassedAsAParameter() throws Exception {
        assertThat(pid("o'brien", "quote-secret")).isPositive();
        assertWrongPasswordRefused("o'brien");
    }

    @Test
    void unknownRoleIsRefused() {
        assertWrongPasswordRefused("nobody");
    }

    private static void assertWrongPasswordRefused(String user) {
        assertThatThrownBy(() -> pid(user, "wrong"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }
}
