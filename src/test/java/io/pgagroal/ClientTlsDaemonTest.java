package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.Psql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with tls = on in pgagroal.conf: it logs its TLS engine, serves psql with verify-full,
 * reads renewed certificates on SIGHUP, and a key that is not the certificate's stops it at start
 * with the configuration error's exit status.
 */
class ClientTlsDaemonTest {

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private Path configuration(int port, Certificates.Pair pair) throws Exception {
        return PG.configuration(dir, "pgagroal.conf", "127.0.0.1", port,
                "tls = on\ntls_cert_file = " + pair.certificate() + "\ntls_key_file = " + pair.key());
    }

    private static String verifyFull(int port, Certificates authority) {
        Endpoint endpoint = new Endpoint("127.0.0.1", port, PG.postgres().superuser(), null, "postgres");
        return Psql.script(endpoint, Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", authority.caCertificate().toString()),
                "SELECT 'tls';\n").orThrow().stdout().trim();
    }

    @Test
    void servesTlsAndRereadsCertificatesOnSighup() throws Exception {
        try (Certificates old = Certificates.authority("daemon-old"); Certificates renewed = Certificates.authority("daemon-new")) {
            Certificates.Pair files = Certificates.copy(old.server(), dir.resolve("server"));
            int port = Ports.free();
            Path log = dir.resolve("console.log");
            Process daemon = PG.start(log, List.of(), "-c", configuration(port, files).toString(), "-a", Daemon.trustHba(dir).toString());
            Daemon.awaitListening(port, dir, daemon, log);
            assertThat(Files.readString(log)).contains("TLS engine: ");
            assertThat(verifyFull(port, old)).isEqualTo("tls");

            Certificates.overwrite(files, renewed.server());
            int before = Files.readString(log).length();
            Daemon.signal(daemon, "HUP");
            for (int i = 0; i < 100 && !Files.readString(log).substring(before).contains("Configuration reloaded"); i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log).substring(before)).contains("Configuration reloaded");
            assertThat(verifyFull(port, renewed)).isEqualTo("tls");
        }
    }

    @Test
    void keyOfAnotherCertificateStopsTheStart() throws Exception {
        try (Certificates ca = Certificates.authority("daemon-mismatch")) {
            // two signings: the certificate of the first, the key of the second
            Certificates.Pair mismatched = new Certificates.Pair(ca.server().certificate(), ca.server().key());
            Path conf = configuration(Ports.free(), mismatched);
            Path output = dir.resolve("console.log");
            Process daemon = PG.start(output, List.of(), "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString());
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isEqualTo(Main.CONFIGURATION_ERROR);
            assertThat(Files.readString(output))
                    .contains(conf + ":7: tls_key_file: \"" + mismatched.key() + "\": does not match the certificate of tls_cert_file");
        }
    }
}
