package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.security.Credentials;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.Psql;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SCRAM-SHA-256-PLUS on the auth_query path: the pooler checks a TLS client bound to its certificate
 * against the verifier PostgreSQL stores, then logs in to PostgreSQL with the ClientKey recovered from
 * that proof, without any password.
 */
class ChannelBindingAuthQueryTest {

    static final Certificates CA = Certificates.authority("authquery");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.MD5);

    @BeforeAll
    static void authQueryOverTls() throws Exception {
        PG.postgres().execute("""
                SET password_encryption = 'scram-sha-256';
                CREATE ROLE scram_user LOGIN PASSWORD 'scram-secret';
                """);
        Psql.script(PG.postgres().superuserEndpoint().withDatabase(PoolerExtension.DATABASE), """
                CREATE FUNCTION public.pgagroal_get_password(p_user name) RETURNS TABLE (passwd text)
                LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
                AS $$SELECT passwd FROM pg_shadow WHERE usename = p_user$$;
                REVOKE ALL ON FUNCTION public.pgagroal_get_password(name) FROM PUBLIC;
                """).orThrow();
        Credentials superuser = new Credentials(Map.of(), Map.of(), PG.postgres().superuser(), PG.postgres().superuserPassword());
        PG.restartPooler(superuser, b -> ClientTlsTest.tls(b, SERVER).set("auth_query", "on"), "hostssl all all all scram-sha-256");
    }

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    @Test
    void psqlWithChannelBindingRequire() {
        String out = Psql.script(PG.endpoint().withUser("scram_user", "scram-secret"),
                Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", CA.caCertificate().toString(), "PGCHANNELBINDING", "require"),
                "SELECT current_user;\n").orThrow().stdout().trim();
        assertThat(out).isEqualTo("scram_user");
    }
}
