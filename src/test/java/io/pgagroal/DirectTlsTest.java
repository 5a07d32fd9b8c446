package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL 17's direct TLS (sslnegotiation=direct): the connection starts with a TLS ClientHello
 * instead of an SSLRequest, offering ALPN "postgresql", and the StartupMessage follows inside TLS.
 * psql 15 cannot do it, so a JDK TLS socket plays the client. Without that ALPN, or with tls = off,
 * the connection is closed.
 */
class DirectTlsTest {

    static final Certificates CA = Certificates.authority("direct");
    static final Certificates.Pair SERVER = CA.server();

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> ClientTlsTest.tls(b, SERVER));

    @AfterAll
    static void removeCertificates() {
        CA.close();
    }

    /** A TLS socket to {@code port} that trusts the test CA, offering {@code alpn} (none when empty); not yet handshaken. */
    private static SSLSocket directTls(int port, String... alpn) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(CA.caCertificate())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(alpn);
        socket.setSSLParameters(parameters);
        return socket;
    }

    @Test
    void clientHelloWithAlpnPostgresqlRunsAQuery() throws Exception {
        SSLSocket socket = directTls(PG.pooler().port(), "postgresql");
        try (RawClient client = RawClient.connect(socket, PoolerExtension.USER, PoolerExtension.DATABASE)) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("postgresql");
            assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(client.query("SELECT 40 + 2", StandardCharsets.UTF_8)).contains("D 42");
        }
    }

    @Test
    void clientHelloWithoutAlpnIsClosed() throws Exception {
        try (SSLSocket socket = directTls(PG.pooler().port())) {
            assertThatThrownBy(() -> RawClient.connect(socket, PoolerExtension.USER, PoolerExtension.DATABASE))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientHelloWithTlsOffIsClosed(@TempDir Path socketDir) throws Exception {
        try (Pgagroal plain = Pgagroal.start(PG.baseConfig().set("unix_socket_dir", socketDir.toString()).build());
             SSLSocket socket = directTls(plain.port(), "postgresql")) {
            assertThatThrownBy(() -> RawClient.connect(socket, PoolerExtension.USER, PoolerExtension.DATABASE))
                    .isInstanceOf(IOException.class);
        }
    }
}
