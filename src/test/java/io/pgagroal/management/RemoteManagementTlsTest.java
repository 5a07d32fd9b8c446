package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.ProcessResult;
import io.pgagroal.testing.Psql;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote management port inside TLS (spec §8.1, §8.4): the pooler has tls = on with a CA file (so a
 * client certificate is required) and pgagroal_hba.conf lets admin in only over TLS ({@code hostssl},
 * then a {@code host} reject), so a login that succeeds proves the TLS path. pgagroal-cli uses TLS when
 * its home holds pgagroal.key (0600) and pgagroal.crt, verifying the pooler with root.crt.
 */
class RemoteManagementTlsTest {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final Certificates CA = Certificates.authority("mgmt");
    private static final Certificates OTHER_CA = Certificates.authority("other");
    /** The pooler's certificate and key, in files a test renews. */
    private static final Certificates.Pair SERVER = Certificates.copy(CA.server(), CA.directory().resolve("pooler"));

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    private static int management;

    @TempDir
    Path dir;

    @BeforeAll
    static void startWithTls() throws Exception {
        management = Ports.free();
        PG.restartPooler(PoolerExtension.VAULT.withAdmins(Map.of(ADMIN, ADMIN_PASSWORD)),
                b -> b.set("pipeline", "session").set("management", Integer.toString(management))
                        .set("tls", "on").set("tls_cert_file", SERVER.certificate().toString())
                        .set("tls_key_file", SERVER.key().toString()).set("tls_ca_file", CA.caCertificate().toString()),
                "hostssl admin " + ADMIN + " all trust", "host admin all all reject", "host all all all trust");
    }

    @AfterAll
    static void removeCertificates() {
        CA.close();
        OTHER_CA.close();
    }

    private static CliRun remote(Path home, String... args) {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(management), "-U", ADMIN, "-P", ADMIN_PASSWORD));
        all.addAll(List.of(args));
        return CliRun.runWithHome(home, all.toArray(String[]::new));
    }

    @Test
    void cliWithCertificateAndRootLogsInOverTls() {
        Path home = Certificates.managementClient(dir.resolve("home"), CA.client(ADMIN), CA.caCertificate());
        CliRun ping = remote(home, "-v", "ping");
        assertThat(ping.err()).contains("Success (0)");
        assertThat(ping.status()).isZero();
        CliRun status = remote(home, "-F", "json", "status");
        assertThat(status.status()).isZero();
        assertThat(status.json().at("/Response/Status").asText()).isEqualTo("Running");
    }

    @Test
    void withoutRootAnyPoolerCertificateIsAccepted() {
        Path home = Certificates.managementClient(dir.resolve("home"), CA.client(ADMIN), null);
        assertThat(remote(home, "ping").status()).isZero();
    }

    @Test
    void aPoolerNotSignedByRootIsRefused() {
        Path home = Certificates.managementClient(dir.resolve("home"), CA.client(ADMIN), OTHER_CA.caCertificate());
        CliRun ping = remote(home, "ping");
        assertThat(ping.status()).isEqualTo(1);
        assertThat(ping.err()).contains("no connection to pgagroal on 127.0.0.1:" + management);
    }

    @Test
    void aClientCertificateOfAnotherAuthorityIsRefusedByThePooler() {
        Path home = Certificates.managementClient(dir.resolve("home"), OTHER_CA.client(ADMIN), CA.caCertificate());
        CliRun ping = remote(home, "ping");
        assertThat(ping.status()).isEqualTo(1);
        assertThat(ping.err()).contains("no connection to pgagroal");
    }

    /** The port serves the certificate of the last reload, as the clients' port does. */
    @Test
    void aReloadPutsTheRenewedCertificateInForce() throws Exception {
        Path trustsOld = Certificates.managementClient(dir.resolve("old"), CA.client(ADMIN), CA.caCertificate());
        Path trustsNew = Certificates.managementClient(dir.resolve("new"), CA.client(ADMIN), OTHER_CA.caCertificate());
        try {
            Certificates.overwrite(SERVER, OTHER_CA.server());
            assertThat(PG.pooler().reload(PG.pooler().config()).error()).isEmpty();
            assertThat(remote(trustsNew, "ping").status()).isZero();
            assertThat(remote(trustsOld, "ping").status()).isEqualTo(1);
        } finally {
            Certificates.overwrite(SERVER, CA.server());
            assertThat(PG.pooler().reload(PG.pooler().config()).error()).isEmpty();
        }
        assertThat(remote(trustsOld, "ping").status()).isZero();
    }

    /** Without the files, or with a key others may read, the cli stays in clear: the hostssl-only admin is refused. */
    @Test
    void withoutUsableFilesTheCliSpeaksInClear() throws Exception {
        CliRun bare = remote(Files.createDirectories(dir.resolve("bare")), "ping");
        assertThat(bare.status()).isEqualTo(1);
        assertThat(bare.err()).contains("pgagroal_hba.conf rejects connection for host \"127.0.0.1\", user \"admin\"");

        Path open = Certificates.managementClient(dir.resolve("open"), CA.client(ADMIN), CA.caCertificate());
        Files.setPosixFilePermissions(open.resolve(".pgagroal/pgagroal.key"), PosixFilePermissions.fromString("rw-r-----"));
        CliRun groupReadable = remote(open, "ping");
        assertThat(groupReadable.status()).isEqualTo(1);
        assertThat(groupReadable.err()).contains("pgagroal_hba.conf rejects connection");
    }

    /** psql proves SCRAM-SHA-256-PLUS on the port: with channel binding required it gets past authentication. */
    @Test
    void tlsClientsAreOfferedScramPlus() throws Exception {
        Certificates.Pair client = CA.client(ADMIN);
        Map<String, String> environment = Map.of("PGSSLMODE", "require", "PGCHANNELBINDING", "require",
                "PGSSLCERT", client.certificate().toString(), "PGSSLKEY", client.key().toString(), "PGCONNECT_TIMEOUT", "2");
        var target = PG.endpoint().withPort(management).withDatabase("admin");
        ProcessResult wrong = Psql.script(target.withUser(ADMIN, "wrong"), environment, "SELECT 1;\n");
        assertThat(wrong.stderr()).contains("password authentication failed for user \"admin\"");
        ProcessResult right = Psql.script(target.withUser(ADMIN, ADMIN_PASSWORD), environment, "SELECT 1;\n");
        assertThat(right.exitCode()).as("a management port never sends ReadyForQuery").isNotZero();
        assertThat(right.stderr()).doesNotContain("channel binding").doesNotContain("password authentication failed")
                .contains("timeout");
    }

    /** A raw SSLRequest is answered 'S', and the server then expects a TLS ClientHello, not a startup packet. */
    @Test
    void sslRequestIsAccepted() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", management)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
            assertThat(socket.getInputStream().read()).isEqualTo('S');
        }
    }
}
