package io.pgagroal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.config.ConfigException;
import io.pgagroal.security.Credentials;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgagroal-vault against a running pooler that rotates its frontend passwords every second (real
 * PostgreSQL behind it): the vault logs in to the remote management port as the admin of its users
 * file and hands out the password the pooler wants now; other paths, other methods, unknown users
 * and an unreachable pooler get 404.
 */
class VaultTest {

    private static final String ADMIN = VaultHome.ADMIN;

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM);

    @TempDir
    static Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static VaultHome home;
    private static int management;
    private static Path users;
    private static VaultServer vault;

    @BeforeAll
    static void startPoolerAndVault() throws Exception {
        home = VaultHome.create(dir, Files.createDirectories(dir.resolve("home")));
        users = home.users();

        management = Ports.free();
        Credentials known = new Credentials(Map.of(PoolerExtension.USER, PoolerExtension.PASSWORD), Map.of(), null, null)
                .withAdmins(Map.of(ADMIN, VaultHome.ADMIN_PASSWORD));
        PG.restartPooler(known, b -> b.set("rotate_frontend_password_timeout", "1").set("rotate_frontend_password_length", "16")
                .set("management", Integer.toString(management)), "host all all all scram-sha-256");
        vault = Vault.start(conf("vault.conf", management, ""), users);
    }

    @AfterAll
    static void stopVault() {
        if (vault != null) {
            vault.close();
        }
        if (home != null) {
            home.restore();
        }
    }

    private static Path conf(String name, int pgagroalPort, String extra) throws IOException {
        return home.conf(name, pgagroalPort, extra);
    }

    private static HttpResponse<String> get(VaultServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The vault's answer and the pooler's password at the same moment (retried across a rotation). */
    private static String currentPasswordFromTheVault() throws Exception {
        for (int i = 0; i < 5; i++) {
            String before = PG.pooler().frontendPassword(PoolerExtension.USER).orElseThrow();
            HttpResponse<String> response = get(vault, "/users/" + PoolerExtension.USER);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            if (response.body().equals(before) && before.equals(PG.pooler().frontendPassword(PoolerExtension.USER).orElseThrow())) {
                return response.body();
            }
        }
        throw new AssertionError("the vault never returned the pooler's current frontend password");
    }

    @Test
    void theVaultHandsOutTheRotatedPasswordAClientCanLogInWith() throws Exception {
        String first = currentPasswordFromTheVault();
        assertThat(first).hasSize(16).isNotEqualTo(PoolerExtension.PASSWORD);
        String next = first;
        for (int i = 0; i < 50 && next.equals(first); i++) {
            Thread.sleep(100);
            next = currentPasswordFromTheVault();
        }
        assertThat(next).as("the vault follows the rotation").isNotEqualTo(first);

        for (int i = 0; i < 5; i++) {
            String password = currentPasswordFromTheVault();
            try {
                PG.connect(PoolerExtension.USER, password, new Properties()).close();
                return;
            } catch (java.sql.SQLException rotatedMeanwhile) {
                assertThat(rotatedMeanwhile.getSQLState()).isEqualTo("28P01");
            }
        }
        throw new AssertionError("no password from the vault let the client in");
    }

    @Test
    void otherPathsMethodsAndUsersAreNotFound() throws Exception {
        assertThat(get(vault, "/users/nobody").statusCode()).isEqualTo(404);
        assertThat(get(vault, "/users/").statusCode()).isEqualTo(404);
        assertThat(get(vault, "/users/" + PoolerExtension.USER + "/x").statusCode()).isEqualTo(404);
        assertThat(get(vault, "/").statusCode()).isEqualTo(404);
        assertThat(get(vault, "/metrics").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vault.port() + "/users/"
                + PoolerExtension.USER)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.body()).isEmpty();
    }

    /** A request line over 1 KiB is refused; a body is ignored. */
    @Test
    void anOversizedRequestIsRefusedAndABodyIgnored() throws Exception {
        assertThat(raw("GET /users/" + "x".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(raw("GET /users/nobody HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")).startsWith("HTTP/1.1 404 ");
        assertThat(raw("GET /status HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK").contains("connection: close");
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", vault.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void statusSaysWhetherThePoolerLetsTheVaultIn() throws Exception {
        HttpResponse<String> response = get(vault, "/status");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = new ObjectMapper().readTree(response.body());
        assertThat(status.path("status").asText()).isEqualTo("ok");
        assertThat(status.at("/vault/pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(status.at("/configuration/tls_enabled").asBoolean(true)).isFalse();
        assertThat(status.at("/pgagroal_connection/status").asText()).isEqualTo("connected");
        assertThat(status.at("/pgagroal_connection/port").asInt()).isEqualTo(management);
    }

    @Test
    void anUnreachablePoolerIsNotFound() throws Exception {
        try (VaultServer orphan = Vault.start(conf("orphan.conf", Ports.free(), ""), users)) {
            assertThat(get(orphan, "/users/" + PoolerExtension.USER).statusCode()).isEqualTo(404);
            JsonNode status = new ObjectMapper().readTree(get(orphan, "/status").body());
            assertThat(status.at("/pgagroal_connection/status").asText()).isEqualTo("disconnected");
        }
    }

    @Test
    void aWrongAdminPasswordIsNotFound() throws Exception {
        Path wrong = dir.resolve("wrong_vault_users.conf");
        UsersFile file = UsersFile.openOrNew(wrong);
        file.add(ADMIN, "not-the-password", MasterKey.load());
        file.write();
        try (VaultServer refused = Vault.start(conf("wrong.conf", management, ""), wrong)) {
            assertThat(get(refused, "/users/" + PoolerExtension.USER).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void whatCannotBeHonouredStopsTheStart() throws Exception {
        assertThatThrownBy(() -> Vault.start(conf("tls.conf", management, "tls = on"), users))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("tls.conf:4: tls: tls = on needs tls_cert_file");
        assertThatThrownBy(() -> Vault.start(conf("metrics.conf", management, "metrics = 9999"), users))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics: not supported yet");
        Path three = Files.writeString(dir.resolve("three.conf"), Files.readString(conf("base.conf", management, ""))
                + "\n[other]\nhost = x\n");
        assertThatThrownBy(() -> Vault.start(three, users)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Too many sections");
        assertThatThrownBy(() -> Vault.start(conf("ok.conf", management, ""), dir.resolve("missing_users.conf")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing_users.conf");
        Path others = dir.resolve("other_vault_users.conf");
        UsersFile file = UsersFile.openOrNew(others);
        file.add("someone-else", "x-password", MasterKey.load());
        file.write();
        assertThatThrownBy(() -> Vault.start(conf("ok.conf", management, ""), others)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no password for user \"" + ADMIN + "\"");
    }
}
