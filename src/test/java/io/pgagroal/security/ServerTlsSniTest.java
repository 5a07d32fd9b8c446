package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.testing.Certificates;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the TLS client of a server connection announces: SNI for a host name, none for an address; host-name checks only for verify-full. */
class ServerTlsSniTest {

    private static final Certificates CA = Certificates.authority("sni");

    @TempDir
    Path dir;

    @AfterAll
    static void removeCa() {
        CA.close();
    }

    private SSLParameters parameters(String host, String mode) throws ConfigException {
        PgagroalConfig config = PgagroalConfig.builder().set("host", "localhost").set("port", "2345")
                .set("unix_socket_dir", dir.toString()).server("db", host, 5432)
                .serverSet("tls_mode", mode).serverSet("tls_ca_file", CA.caCertificate().toString())
                .hba("host all all all trust").build();
        SslHandler handler = ServerTls.forServers(config).get("db").newHandler(ByteBufAllocator.DEFAULT);
        try {
            assertThat(handler.engine().getUseClientMode()).isTrue();
            return handler.engine().getSSLParameters();
        } finally {
            ReferenceCountUtil.release(handler.engine());
        }
    }

    @Test
    void aHostNameIsSentAsSniAndCheckedUnderVerifyFull() throws ConfigException {
        SSLParameters parameters = parameters("localhost", "verify-full");
        List<SNIServerName> names = parameters.getServerNames();
        assertThat(names).containsExactly(new SNIHostName("localhost"));
        assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    }

    @Test
    void anAddressIsNotSentAsSniAndVerifyCaChecksNoName() throws ConfigException {
        SSLParameters parameters = parameters("127.0.0.1", "verify-ca");
        assertThat(parameters.getServerNames()).isNullOrEmpty();
        assertThat(parameters.getEndpointIdentificationAlgorithm()).isNullOrEmpty();
    }
}
