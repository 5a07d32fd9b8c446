package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.pgagroal.protocol.Messages;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Eventually;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote management port against a running pooler (session pipeline, real PostgreSQL): pgagroal-cli
 * logs in with -h/-p/-U/-P and SCRAM-SHA-256 against the admins file (even though pgagroal_hba.conf
 * says trust, as pgagroal), then runs the commands it runs locally; wrong passwords, strangers and
 * unauthenticated frames are refused.
 */
class RemoteManagementTest {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-secret";
    /** An admin whom pgagroal_hba.conf rejects for database admin. */
    private static final String BLOCKED = "blocked";

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    private static int management;

    @BeforeAll
    static void startWithRemoteManagement() throws Exception {
        management = io.pgagroal.testing.Ports.free();
        PG.restartPooler(PoolerExtension.VAULT.withAdmins(Map.of(ADMIN, ADMIN_PASSWORD, BLOCKED, ADMIN_PASSWORD)),
                b -> b.set("pipeline", "session").set("management", Integer.toString(management)),
                "host admin " + BLOCKED + " all reject", "host all all all trust");
    }

    private static CliRun remote(String user, String password, String... args) {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(management), "-U", user, "-P", password));
        all.addAll(List.of(args));
        return CliRun.run(null, all.toArray(String[]::new));
    }

    @Test
    void pingStatusAndConfGetWorkRemotely() {
        CliRun ping = remote(ADMIN, ADMIN_PASSWORD, "-v", "ping");
        assertThat(ping.status()).isZero();
        assertThat(ping.out()).contains("Command: 11").contains("Status: true");
        assertThat(ping.err()).contains("pgagroal-cli: Success (0)");

        JsonNode status = remote(ADMIN, ADMIN_PASSWORD, "-F", "json", "status").json();
        assertThat(status.at("/Header/Command").asText()).isEqualTo("status");
        assertThat(status.at("/Response/Status").asText()).isEqualTo("Running");
        assertThat(status.at("/Response/Servers/0/Port").asInt()).isEqualTo(PG.postgres().port());

        CliRun port = remote(ADMIN, ADMIN_PASSWORD, "conf", "get", "management");
        assertThat(port.status()).isZero();
        assertThat(port.out()).isEqualTo(management + "\n");
        assertThat(remote(ADMIN, ADMIN_PASSWORD, "conf", "get", "no_such_key").status()).isEqualTo(1);

        JsonNode compressed = remote(ADMIN, ADMIN_PASSWORD, "-F", "raw", "-C", "zstd", "status").json();
        assertThat(compressed.at("/Header/Compression").asInt()).isEqualTo(2);
        assertThat(compressed.at("/Response/Status").asText()).isEqualTo("Running");
    }

    @Test
    void aWrongPasswordAStrangerOrAnHbaRejectIsRefused() {
        CliRun wrong = remote(ADMIN, "not-the-password", "-v", "status");
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.err()).contains("pgagroal-cli: Bad credentials for admin")
                .contains("password authentication failed for user \"admin\"").contains("Error (1)");

        CliRun stranger = remote(PoolerExtension.USER, PoolerExtension.PASSWORD, "ping");
        assertThat(stranger.status()).isEqualTo(1);
        assertThat(stranger.err()).contains("Bad credentials for " + PoolerExtension.USER);

        CliRun rejected = remote(BLOCKED, ADMIN_PASSWORD, "ping");
        assertThat(rejected.status()).isEqualTo(1);
        assertThat(rejected.err()).contains("Bad credentials for " + BLOCKED)
                .contains("pgagroal_hba.conf rejects connection for host \"127.0.0.1\", user \"blocked\", database \"admin\"");
    }

    @Test
    void theCommandLineNeedsHostAndPortAndNotConfig() {
        CliRun hostOnly = CliRun.run(null, "-h", "127.0.0.1", "-U", ADMIN, "-P", ADMIN_PASSWORD, "ping");
        assertThat(hostOnly.status()).isEqualTo(1);
        assertThat(hostOnly.err()).contains("you need both -h and -p");

        CliRun both = CliRun.run(java.nio.file.Path.of("/etc/pgagroal/pgagroal.conf"), "-h", "127.0.0.1", "-p",
                Integer.toString(management), "ping");
        assertThat(both.status()).isEqualTo(1);
        assertThat(both.err()).contains("use either -c or -h/-p");

        CliRun noPassword = CliRun.run(null, "-h", "127.0.0.1", "-p", Integer.toString(management), "-U", ADMIN, "ping");
        assertThat(noPassword.status()).as("no -P and no terminal to ask on").isEqualTo(1);
        assertThat(noPassword.err()).contains("no terminal to ask \"Password :\" on: give -P");

        CliRun noServer = CliRun.run(null, "-h", "127.0.0.1", "-p", Integer.toString(io.pgagroal.testing.Ports.free()),
                "-U", ADMIN, "-P", ADMIN_PASSWORD, "ping");
        assertThat(noServer.status()).isEqualTo(1);
        assertThat(noServer.err()).contains("no connection to pgagroal on 127.0.0.1:");
    }

    /** A management frame (here: shutdown immediate) sent without logging in gets a FATAL and changes nothing. */
    @Test
    void anUnauthenticatedFrameIsRefused() throws Exception {
        byte[] json = ("{\"Header\":{\"Command\":15,\"ClientVersion\":\"2.0.0\",\"Output\":0,\"Timestamp\":\"20260101000000\","
                + "\"Compression\":0,\"Encryption\":0},\"Request\":{}}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", management)) {
            socket.setSoTimeout(10_000);
            Frame frame = new Frame(0, 0, json);
            frame.write(socket.getOutputStream());
            Message error = read(socket.getInputStream());
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.text()).contains("FATAL").contains("08P01");
            assertThat(socket.getInputStream().read()).as("closed after the error").isEqualTo(-1);
        }
        assertThat(PG.pooler().shuttingDown()).isFalse();
        assertThat(remote(ADMIN, ADMIN_PASSWORD, "ping").status()).isZero();
    }

    @Test
    void onlyDatabaseAdminIsAccepted() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", management)) {
            socket.setSoTimeout(10_000);
            ByteBuf startup = Messages.startupMessage(ByteBufAllocator.DEFAULT, Map.of("user", ADMIN, "database", "postgres"));
            socket.getOutputStream().write(ByteBufUtil.getBytes(startup));
            startup.release();
            Message error = read(socket.getInputStream());
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.text()).contains("28000").contains("database \"admin\"");
        }
    }

    /** With tls = off SSLRequest is declined with 'N', and the login goes on in clear. */
    @Test
    void sslRequestIsDeclined() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", management)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
            assertThat(socket.getInputStream().read()).isEqualTo('N');
            RemoteLoginClient.login(socket.getInputStream(), socket.getOutputStream(), ADMIN, ADMIN_PASSWORD);
            new Frame(0, 0, Documents.compact(Documents.request(ManagementCommand.PING, 0, 0, 0))).write(socket.getOutputStream());
            Frame answer = Frame.read(socket.getInputStream());
            assertThat(Documents.parse(answer.payload()).at("/Outcome/Status").asBoolean()).isTrue();
        }
    }

    /** With tls = off the pooler answers 'N' to a cli that has a certificate, which then stops rather than go on in clear. */
    @Test
    void aCliWithACertificateDoesNotGoOnInClearWhenThePoolerDeclines(@TempDir Path dir) {
        try (Certificates ca = Certificates.authority("declined")) {
            Path home = Certificates.managementClient(dir, ca.client(ADMIN), ca.caCertificate());
            CliRun ping = CliRun.runWithHome(home, "-h", "127.0.0.1", "-p", Integer.toString(management), "-U", ADMIN,
                    "-P", ADMIN_PASSWORD, "-v", "ping");
            assertThat(ping.err()).contains("declined TLS").doesNotContain("Success");
            assertThat(ping.status()).isEqualTo(1);
        }
    }

    @Test
    void connectionsAreBounded() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < RemoteManagementServer.MAX_CONNECTIONS; i++) {
                held.add(new Socket("127.0.0.1", management));
            }
            Thread.sleep(200);
            try (Socket extra = new Socket("127.0.0.1", management)) {
                extra.setSoTimeout(10_000);
                Message error = read(extra.getInputStream());
                assertThat(error.text()).contains("53300").contains("too many remote management connections");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        Eventually.await("the closed connections are counted out and ping is served", () -> remote(ADMIN, ADMIN_PASSWORD, "ping").status() == 0);
    }

    private record Message(char type, String text) {
    }

    private static Message read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int type = in.read();
        if (type < 0) {
            throw new EOFException("closed without a message");
        }
        byte[] body = in.readNBytes(in.readInt() - 4);
        return new Message((char) type, new String(body, StandardCharsets.UTF_8).replace('\0', ' '));
    }
}
