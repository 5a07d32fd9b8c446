package io.pgagroal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.config.ConfigException;
import io.pgagroal.security.Credentials;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Command;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgagroal-vault over HTTPS, asked with curl (spec §1.4): the vault has tls = on with a CA file and
 * tls_cert_auth_mode = verify-full; its own leg to the pooler's management port runs inside TLS (the
 * pooler's HBA lets the vault's admin in only with {@code hostssl}, and wants a client certificate),
 * presenting the certificate of its home's .pgagroal directory (spec §8.4).
 */
class VaultTlsTest {

    private static final String ADMIN = VaultHome.ADMIN;
    private static final String FRONTEND_PASSWORD = "front-secret";
    private static final Certificates CA = Certificates.authority("vault");
    private static final Certificates OTHER_CA = Certificates.authority("stranger");

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    @TempDir
    static Path dir;

    private static VaultHome home;
    private static Path users;
    private static int management;
    private static VaultServer vault;

    @BeforeAll
    static void startPoolerAndVault() throws Exception {
        home = VaultHome.create(dir, Certificates.managementClient(Files.createDirectories(dir.resolve("home")), CA.client(ADMIN),
                CA.caCertificate()));
        users = home.users();

        management = Ports.free();
        Certificates.Pair server = CA.server();
        Credentials known = new Credentials(Map.of(PoolerExtension.USER, PoolerExtension.PASSWORD),
                Map.of(PoolerExtension.USER, FRONTEND_PASSWORD), null, null).withAdmins(Map.of(ADMIN, VaultHome.ADMIN_PASSWORD));
        PG.restartPooler(known, b -> b.set("management", Integer.toString(management)).set("tls", "on")
                        .set("tls_cert_file", server.certificate().toString()).set("tls_key_file", server.key().toString())
                        .set("tls_ca_file", CA.caCertificate().toString()),
                "hostssl admin " + ADMIN + " all scram-sha-256", "host admin all all reject", "host all all all scram-sha-256");
        vault = Vault.start(conf("vault.conf", tlsKeys(CA.server(), "verify-full")), users);
    }

    @AfterAll
    static void stop() {
        if (vault != null) {
            vault.close();
        }
        if (home != null) {
            home.restore();
        }
        CA.close();
        OTHER_CA.close();
    }

    private static String tlsKeys(Certificates.Pair server, String mode) {
        return """
                tls = on
                tls_cert_file = %s
                tls_key_file = %s
                tls_ca_file = %s
                tls_cert_auth_mode = %s
                """.formatted(server.certificate(), server.key(), CA.caCertificate(), mode);
    }

    private static Path conf(String name, String extra) throws IOException {
        return home.conf(name, management, extra);
    }

    /** curl's answer: status line and headers, a blank line, the body; {@code client} null for no certificate. */
    private static ProcessResult curl(String url, Certificates.Pair client) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20", "--cacert", CA.caCertificate().toString()));
        if (client != null) {
            command.addAll(List.of("--cert", client.certificate().toString(), "--key", client.key().toString()));
        }
        command.add(url);
        return Command.of(command).run(Duration.ofSeconds(30));
    }

    private static String https(VaultServer server, String path) {
        return "https://127.0.0.1:" + server.port() + path;
    }

    @Test
    void theCertificateOfTheRequestedUserGetsItsPassword() {
        ProcessResult result = curl(https(vault, "/users/" + PoolerExtension.USER), CA.client(PoolerExtension.USER));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n" + FRONTEND_PASSWORD);
    }

    @Test
    void anotherIdentityIsForbidden() {
        ProcessResult result = curl(https(vault, "/users/" + PoolerExtension.USER), CA.client("mallory"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("HTTP/1.1 403 Forbidden")
                .endsWith("Access Denied: Certificate identity does not match requested user\n");
        ProcessResult sanFirst = curl(https(vault, "/users/" + PoolerExtension.USER),
                CA.clientWithNames(PoolerExtension.USER, "DNS:mallory"));
        assertThat(sanFirst.stdout()).as("the alternative name is the identity, not the CN").startsWith("HTTP/1.1 403 Forbidden");
    }

    @Test
    void aClientWithoutCertificateOrFromAnotherAuthorityIsRefusedAtTheHandshake() {
        ProcessResult none = curl(https(vault, "/status"), null);
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stdout()).doesNotContain("HTTP/1.1");
        ProcessResult stranger = curl(https(vault, "/status"), OTHER_CA.client(PoolerExtension.USER));
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stdout()).doesNotContain("HTTP/1.1");
    }

    @Test
    void plainHttpIsRedirectedToHttps() {
        ProcessResult result = curl("http://127.0.0.1:" + vault.port() + "/users/" + PoolerExtension.USER, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("HTTP/1.1 301 Moved Permanently")
                .containsIgnoringCase("location: " + https(vault, "/users/" + PoolerExtension.USER) + "\r\n");
    }

    @Test
    void statusSaysTlsAndThatThePoolerLetsTheVaultInOverTls() throws Exception {
        ProcessResult result = curl(https(vault, "/status"), CA.client(PoolerExtension.USER));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        String body = result.stdout().substring(result.stdout().indexOf("\r\n\r\n") + 4);
        var status = new ObjectMapper().readTree(body);
        assertThat(status.at("/configuration/tls_enabled").asBoolean()).isTrue();
        assertThat(status.at("/pgagroal_connection/status").asText()).isEqualTo("connected");
    }

    /** verify-ca: any certificate of the CA may ask for any user. */
    @Test
    void verifyCaChecksTheChainOnly() throws Exception {
        try (VaultServer lenient = Vault.start(conf("verify-ca.conf", tlsKeys(CA.server(), "verify-ca")), users)) {
            ProcessResult result = curl(https(lenient, "/users/" + PoolerExtension.USER), CA.client("mallory"));
            assertThat(result.stdout()).startsWith("HTTP/1.1 200 OK").endsWith(FRONTEND_PASSWORD);
        }
    }

    /** tls = off: a TLS client is closed on, a plain one served. */
    @Test
    void withTlsOffATlsClientIsClosed() throws Exception {
        try (VaultServer plain = Vault.start(conf("plain.conf", ""), users)) {
            ProcessResult tls = curl(https(plain, "/status"), CA.client(PoolerExtension.USER));
            assertThat(tls.exitCode()).isNotZero();
            assertThat(tls.stdout()).isEmpty();
            ProcessResult http = curl("http://127.0.0.1:" + plain.port() + "/users/" + PoolerExtension.USER, null);
            assertThat(http.stdout()).startsWith("HTTP/1.1 200 OK").endsWith(FRONTEND_PASSWORD);
        }
    }

    @Test
    void settingsThatCannotBeHonouredStopTheStart() throws IOException {
        assertThatThrownBy(() -> Vault.start(conf("no-cert.conf", "tls = on"), users))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("no-cert.conf:4: tls: tls = on needs tls_cert_file");
        assertThatThrownBy(() -> Vault.start(conf("bad-mode.conf", tlsKeys(CA.server(), "verify-everything")), users))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls_cert_auth_mode: \"verify-everything\" is not verify-ca or verify-full");
        Certificates.Pair garbled = Certificates.copy(CA.server(), dir.resolve("garbled"));
        Files.writeString(garbled.key(), "not a key");
        assertThatThrownBy(() -> Vault.start(conf("bad-key.conf", tlsKeys(garbled, "verify-ca")), users))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("bad-key.conf:6: tls_key_file: \"" + garbled.key() + "\": not a PEM private key");
        Certificates.Pair notCertificate = Certificates.copy(CA.server(), dir.resolve("not-certificate"));
        Files.writeString(notCertificate.certificate(), "not a certificate");
        assertThatThrownBy(() -> Vault.start(conf("bad-cert.conf", tlsKeys(notCertificate, "verify-ca")), users))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad-cert.conf:5: tls_cert_file: cannot build the TLS context");
    }
}
