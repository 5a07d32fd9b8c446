package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.ServerTls;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls_mode of a server section: upstream's {@code tls} when it is auto, libpq's sslmode otherwise;
 * contradictions and settings that would be ignored stop start-up at their line. In
 * {@link ConfigFixture#load} lines 1-4 are [pgagroal], line 5 the first extra line.
 */
class ServerTlsSettingsTest {

    @TempDir
    Path dir;
    private ConfigFixture files;
    private String ca;

    @BeforeEach
    void setUp() {
        files = new ConfigFixture(dir);
        ca = files.writeWithMode("ca.crt", "rw-r--r--", "not a certificate").toString();
    }

    private ServerConfig replica(String... lines) throws ConfigException {
        return server(files.load(replicaSection(lines)));
    }

    private static String[] replicaSection(String... lines) {
        String[] section = new String[lines.length + 3];
        section[0] = "[replica]";
        section[1] = "host = db2";
        section[2] = "port = 5432";
        System.arraycopy(lines, 0, section, 3, lines.length);
        return section;
    }

    private static ServerConfig server(PgagroalConfig config) {
        return config.servers().stream().filter(s -> s.name().equals("replica")).findFirst().orElseThrow();
    }

    @Test
    void autoFollowsUpstreamTls() throws ConfigException {
        assertThat(replica().tlsMode()).isEqualTo(ServerTlsMode.DISABLE);
        assertThat(replica("tls = on").tlsMode()).isEqualTo(ServerTlsMode.REQUIRE);
        assertThat(replica("tls = on", "tls_ca_file = " + ca).tlsMode()).isEqualTo(ServerTlsMode.VERIFY_CA);
        assertThat(replica("tls_mode = verify-full", "tls_ca_file = " + ca).tlsMode()).isEqualTo(ServerTlsMode.VERIFY_FULL);
        assertThat(replica("tls = on", "tls_mode = require").tlsMode()).isEqualTo(ServerTlsMode.REQUIRE);
        assertThat(replica("tls = off", "tls_mode = disable").tlsMode()).isEqualTo(ServerTlsMode.DISABLE);
        assertThat(replica("tls_mode = prefer").tlsMode()).isEqualTo(ServerTlsMode.PREFER);
    }

    @Test
    void serverTlsMakesAutoTheSessionPipelineAndIsRefusedByPerformance() throws ConfigException {
        assertThat(files.load().main().pipeline()).isEqualTo(PipelineKind.PERFORMANCE);
        assertThat(files.load(replicaSection("tls_mode = prefer")).main().pipeline()).isEqualTo(PipelineKind.SESSION);
        String[] lines = new String[] {"pipeline = performance", "[replica]", "host = db2", "port = 5432", "tls = on"};
        assertThatThrownBy(() -> files.load(lines)).hasMessageEndingWith(
                ":5: pipeline: performance does not support tls to server [replica] (tls_mode = require); use the session pipeline");
    }

    @Test
    void contradictionsStopAtTheirLine() {
        assertThatThrownBy(() -> replica("tls = on", "tls_mode = prefer"))
                .hasMessageEndingWith(":9: tls_mode: prefer contradicts tls = on, which requires TLS");
        assertThatThrownBy(() -> replica("tls = off", "tls_mode = verify-ca", "tls_ca_file = " + ca))
                .hasMessageEndingWith(":9: tls_mode: verify-ca contradicts tls = off");
        assertThatThrownBy(() -> replica("tls_mode = verify-full"))
                .hasMessageEndingWith(":8: tls_mode: verify-full needs tls_ca_file");
        assertThatThrownBy(() -> replica("tls_mode = require", "tls_ca_file = " + ca))
                .hasMessageEndingWith(":9: tls_ca_file: unused with tls_mode = require, which does not check the certificate;"
                        + " use verify-ca or verify-full");
        assertThatThrownBy(() -> replica("tls_mode = disable", "tls_ca_file = " + ca))
                .hasMessageEndingWith(":9: tls_ca_file: unused with tls_mode = disable");
        assertThatThrownBy(() -> replica("tls_mode = fast"))
                .hasMessageContaining(":8: tls_mode: ");
    }

    @Test
    void tlsIsNeverAskedOfAUnixSocket() throws ConfigException {
        assertThatThrownBy(() -> files.load("[local]", "host = /tmp", "port = 5432", "tls_mode = require"))
                .hasMessageEndingWith(":8: tls_mode: PostgreSQL offers no TLS on a Unix socket (host = /tmp)");
        assertThatThrownBy(() -> files.load("[local]", "host = /tmp", "port = 5432", "tls = on"))
                .hasMessageEndingWith(":8: tls: PostgreSQL offers no TLS on a Unix socket (host = /tmp)");
    }

    @Test
    void filesOfAServerWithoutTlsAreIgnoredWithAWarningAsUpstreamDoes() throws ConfigException {
        PgagroalConfig config = files.load(replicaSection("tls = off", "tls_ca_file = " + ca));
        assertThat(server(config).tlsMode()).isEqualTo(ServerTlsMode.DISABLE);
        assertThat(config.warnings()).anyMatch(w -> w.endsWith(":9: tls_ca_file: ignored while tls is off"));
    }

    @Test
    void aFileThatDoesNotLoadStopsStartUpAtItsLine() throws ConfigException {
        PgagroalConfig config = files.load(replicaSection("tls_mode = verify-ca", "tls_ca_file = " + ca));
        assertThatThrownBy(() -> ServerTls.forServers(config)).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(":9: tls_ca_file: \"" + ca + "\": found no certificates in input stream");
        String cert = files.writeWithMode("client.crt", "rw-r--r--", "no certificate either").toString();
        String key = files.writeWithMode("client.key", "rw-------", "no key").toString();
        PgagroalConfig withClientCertificate = files.load(replicaSection("tls_mode = require", "tls_cert_file = " + cert,
                "tls_key_file = " + key));
        assertThatThrownBy(() -> ServerTls.forServers(withClientCertificate)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(":9: tls_cert_file: \"" + cert + "\": ");
    }
}
