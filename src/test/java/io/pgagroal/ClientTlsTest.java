package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.PipelineKind;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import io.pgagroal.testing.ProtocolBytes;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients on TLS to the pooler (tls = on): psql with sslmode require, verify-ca and verify-full, pgJDBC
 * with verify-full, cleartext still possible where pgagroal_hba.conf allows it, 'N' on the Unix socket,
 * and the configuration errors a TLS setting that cannot be honoured gives at start.
 */
class ClientTlsTest {

    static final Certificates CA = Certificates.authority("pooler");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> tls(b, SERVER));

    static PgagroalConfig.Builder tls(PgagroalConfig.Builder builder, Certificates.Pair pair) {
        return builder.set("tls", "on").set("tls_cert_file", pair.certificate().toString())
                .set("tls_key_file", pair.key().toString());
    }

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    static ProcessResult psql(Map<String, String> environment) {
        return Psql.script(PG.endpoint(), environment, "\\conninfo\nSELECT 40 + 2;\n");
    }

    @Test
    void psqlWithSslmodeRequire() {
        String out = psql(Map.of("PGSSLMODE", "require")).orThrow().stdout();
        assertThat(out).contains("SSL connection (protocol: TLSv1.3").contains("42");
    }

    @Test
    void psqlWithSslmodeVerifyCaAndVerifyFull() {
        for (String mode : new String[] {"verify-ca", "verify-full"}) {
            String out = psql(Map.of("PGSSLMODE", mode, "PGSSLROOTCERT", CA.caCertificate().toString())).orThrow().stdout();
            assertThat(out).as(mode).contains("SSL connection").contains("42");
        }
    }

    @Test
    void psqlVerifyFullRefusesAnotherAuthority() {
        try (Certificates other = Certificates.authority("other")) {
            ProcessResult result = psql(Map.of("PGSSLMODE", "verify-ca", "PGSSLROOTCERT", other.caCertificate().toString()));
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr()).contains("certificate verify failed");
        }
    }

    @Test
    void cleartextStaysPossibleWhereHbaAllowsIt() {
        String out = psql(Map.of("PGSSLMODE", "disable")).orThrow().stdout();
        assertThat(out).doesNotContain("SSL connection").contains("42");
    }

    /** libpq never asks for TLS on a Unix socket; a client that does gets 'N', as from PostgreSQL. */
    @Test
    void unixSocketDeclinesTlsAsPostgresqlDoes() throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(PG.pooler().unixSocket()));
            channel.write(ByteBuffer.wrap(ProtocolBytes.concat(ProtocolBytes.int32(8), ProtocolBytes.int32(80877103))));
            ByteBuffer answer = ByteBuffer.allocate(1);
            assertThat(channel.read(answer)).isEqualTo(1);
            assertThat((char) answer.get(0)).isEqualTo('N');
        }
        assertThat(Psql.script(PG.unixEndpoint(), Map.of("PGSSLMODE", "prefer"), "SELECT 1;\n").orThrow().stdout().trim())
                .isEqualTo("1");
    }

    /** Bytes sent after SSLRequest before its answer would be read in clear: refused, as PostgreSQL does (CVE-2021-23214). */
    @Test
    void unencryptedDataAfterSslRequestIsRefused() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", PG.pooler().port())) {
            socket.setSoTimeout(10_000);
            byte[] startup = ProtocolBytes.concat(ProtocolBytes.cstring("user"), ProtocolBytes.cstring(PoolerExtension.USER),
                    new byte[] {0});
            socket.getOutputStream().write(ProtocolBytes.concat(ProtocolBytes.int32(8), ProtocolBytes.int32(80877103),
                    ProtocolBytes.int32(8 + startup.length), ProtocolBytes.int32(196608), startup));
            byte[] reply = socket.getInputStream().readAllBytes();
            assertThat((char) reply[0]).isEqualTo('E');
            assertThat(new String(reply, StandardCharsets.UTF_8))
                    .contains("08P01").contains("received unencrypted data after SSL request");
        }
    }

    /** verify-full fails on a server that declines TLS, so an answer proves the connection is on TLS. */
    @Test
    void pgjdbcWithVerifyFull() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ssl", "true");
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", CA.caCertificate().toString());
        try (Connection connection = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties);
             ResultSet rows = connection.createStatement().executeQuery("SELECT 42")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void autoPipelineIsSessionWithTls() {
        assertThat(PG.pooler().config().main().pipeline()).isEqualTo(PipelineKind.SESSION);
    }

    @Test
    void performancePipelineWithTlsStopsStartUp() {
        PgagroalConfig.Builder builder = tls(PG.baseConfig(), SERVER).set("pipeline", "performance");
        assertThatThrownBy(() -> Pgagroal.start(builder.build()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipeline: performance does not support tls");
    }

    @Test
    void keyOfAnotherCertificateStopsStartUp() {
        Certificates.Pair other = CA.server();
        PgagroalConfig.Builder builder = tls(PG.baseConfig(), SERVER).set("tls_key_file", other.key().toString());
        assertThatThrownBy(() -> Pgagroal.start(builder.build()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_key_file: \"" + other.key() + "\": does not match the certificate of tls_cert_file");
    }
}
