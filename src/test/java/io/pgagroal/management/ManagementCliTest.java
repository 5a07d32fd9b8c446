package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgagroal.security.MasterKey;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgagroal-cli against a running pooler (session pipeline, real PostgreSQL) through its management
 * socket: each command in text and json, with its effect on the pooler checked.
 */
class ManagementCliTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> b.set("pipeline", "session").limit("appdb=appdb_alias all 5"));

    @TempDir
    Path dir;

    private Path conf;

    @BeforeEach
    void writeConf() throws IOException {
        conf = CliRun.conf(dir, PG.pooler().config().main().unixSocketDir());
    }

    private CliRun cli(String... args) {
        return CliRun.run(conf, args);
    }

    @Test
    void theSocketIsOnlyForThePoolersUser() throws IOException {
        Path socket = PG.pooler().managementSocket();
        assertThat(socket.getFileName()).hasToString(".s.pgagroal");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    }

    @Test
    void ping() {
        CliRun text = cli("-v", "ping");
        assertThat(text.status()).isZero();
        assertThat(text.out()).contains("Command: 11").contains("ServerVersion: 2.0.0").contains("Status: true");
        assertThat(text.err()).contains("pgagroal-cli: Success (0)");

        JsonNode json = cli("-F", "json", "ping").json();
        assertThat(json.at("/Header/Command").asText()).isEqualTo("ping");
        assertThat(json.at("/Header/Output").asText()).isEqualTo("json");
        assertThat(json.at("/Header/Compression").asText()).isEqualTo("none");
        assertThat(json.at("/Outcome/Status").asBoolean()).isTrue();

        JsonNode raw = cli("-F", "raw", "ping").json();
        assertThat(raw.at("/Header/Command").asInt()).isEqualTo(11);
    }

    @Test
    void everyCompressionAndEncryptionCarriesTheDocument() throws Exception {
        for (String compression : List.of("gz", "zstd", "lz4", "bz2")) {
            JsonNode json = cli("-F", "raw", "-C", compression, "ping").json();
            assertThat(json.at("/Outcome/Status").asBoolean()).as(compression).isTrue();
            assertThat(json.at("/Header/Compression").asInt()).as(compression).isPositive();
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey.create(home, "a-master-key-for-frames", false);
        String previous = System.getProperty(MasterKey.HOME_PROPERTY);
        System.setProperty(MasterKey.HOME_PROPERTY, home.toString());
        try {
            for (String encryption : List.of("aes", "aes192", "aes128")) {
                JsonNode json = cli("-F", "raw", "-C", "zstd", "-E", encryption, "status").json();
                assertThat(json.at("/Response/Status").asText()).as(encryption).isEqualTo("Running");
                assertThat(json.at("/Header/Encryption").asInt()).as(encryption).isPositive();
            }
            System.setProperty(MasterKey.HOME_PROPERTY, Files.createDirectories(dir.resolve("keyless")).toString());
            CliRun keyless = cli("-v", "-E", "aes", "ping");
            assertThat(keyless.status()).isEqualTo(1);
            assertThat(keyless.err()).contains("master key");
        } finally {
            if (previous == null) {
                System.clearProperty(MasterKey.HOME_PROPERTY);
            } else {
                System.setProperty(MasterKey.HOME_PROPERTY, previous);
            }
        }
    }

    @Test
    void statusCountsTheConnectionsAndDetailsListTheSession() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "cli-watcher");
        properties.setProperty("assumeMinServerVersion", "15");
        try (Connection held = PG.connect(PoolerExtension.USER, PoolerExtension.PASSWORD, properties)) {
            held.createStatement().execute("SELECT 1");
            JsonNode status = cli("-F", "json", "status").json().path("Response");
            assertThat(status.path("Status").asText()).isEqualTo("Running");
            assertThat(status.path("ActiveConnections").asInt()).isEqualTo(1);
            assertThat(status.path("TotalConnections").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(status.path("MaxConnections").asInt()).isEqualTo(10);
            assertThat(status.path("NumberOfServers").asInt()).isEqualTo(1);
            assertThat(status.at("/Servers/0/Server").asText()).isEqualTo("primary");

            JsonNode details = cli("-F", "json", "status", "details").json().path("Response");
            assertThat(details.at("/Limits/0/Database").asText()).isEqualTo("appdb");
            assertThat(details.at("/Limits/0/MaxConnections").asInt()).isEqualTo(5);
            assertThat(details.at("/Limits/0/ActiveConnections").asInt()).isEqualTo(1);
            List<String> sessions = new ArrayList<>();
            details.path("Connections").forEach(c -> sessions.add(c.path("Username").asText() + " " + c.path("Database").asText()
                    + " " + c.path("AppName").asText() + " " + c.path("Phase").asText() + " " + c.path("Address").asText()));
            assertThat(sessions).contains("app appdb cli-watcher RELAYING 127.0.0.1");

            CliRun text = cli("status", "details");
            assertThat(text.out()).contains("  AppName: cli-watcher").contains("    - Host: ").contains("Status: Running");
        }
    }

    @Test
    void flushIdleClosesTheIdleConnections() throws Exception {
        try (Connection c = PG.connect()) {
            c.createStatement().execute("SELECT 1");
        }
        PG.awaitIdle();
        assertThat(PG.pooler().totalConnections()).isGreaterThanOrEqualTo(1);

        CliRun flush = cli("flush", "idle", "appdb");

        assertThat(flush.status()).isZero();
        assertThat(flush.out()).contains("Mode: 0").contains("Database: appdb").contains("Status: true");
        assertThat(PG.pooler().totalConnections()).isZero();
    }

    @Test
    void disableRefusesNewClientsAndEnableLetsThemIn() throws Exception {
        JsonNode disabled = cli("-F", "json", "disable", "appdb").json();
        try {
            assertThat(disabled.at("/Response/Databases/0/Database").asText()).isEqualTo("appdb");
            assertThat(disabled.at("/Response/Databases/0/Enabled").asBoolean(true)).isFalse();
            assertThatThrownBy(PG::connect).isInstanceOf(SQLException.class).hasMessageContaining("is disabled");
        } finally {
            CliRun enabled = cli("enable", "appdb");
            assertThat(enabled.out()).contains("Enabled: true");
        }
        try (Connection c = PG.connect()) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    @Test
    void confGetGivesOneKeyOrAllOfThem() {
        CliRun one = cli("conf", "get", "max_connections");
        assertThat(one.status()).isZero();
        assertThat(one.out()).isEqualTo("10\n");
        assertThat(cli("conf", "get", "pgagroal.pipeline").out()).isEqualTo("session\n");
        assertThat(cli("conf", "get", "server.primary.port").out()).isEqualTo(PG.postgres().port() + "\n");
        assertThat(cli("conf", "get", "limit.appdb.max_size").out()).isEqualTo("5\n");

        JsonNode json = cli("-F", "json", "conf", "get", "max_connections").json();
        assertThat(json.path("Response").properties()).hasSize(1);
        assertThat(json.at("/Response/max_connections").asText()).isEqualTo("10");

        CliRun unknown = cli("conf", "get", "no_such_key");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.out()).isEqualTo("Error\n");
        assertThat(cli("-F", "json", "conf", "get", "no_such_key").json().at("/Outcome/Status").asBoolean(true)).isFalse();

        JsonNode all = cli("-F", "json", "conf", "get").json().path("Response");
        assertThat(all.path("log_level").asText()).isEqualTo("info");
        assertThat(all.at("/hba/all/method").asText()).isEqualTo("trust");
    }

    @Test
    void confLsAndAlias() {
        JsonNode ls = cli("-F", "json", "conf", "ls").json().path("Response");
        assertThat(ls.path("main_configuration_path").asText()).as("built in code: no file").isEmpty();
        assertThat(ls.has("hba_configuration_path")).isTrue();

        CliRun alias = cli("conf", "alias");
        assertThat(alias.out()).isEqualTo("# DATABASE=ALIASES  USER  MAX  INIT  MIN\nappdb=appdb_alias  all  5  0  0\n");
    }

    @Test
    void whatIsNotDoneYetSaysSo() {
        CliRun set = cli("conf", "set", "hba.all.method", "reject");
        assertThat(set.status()).isEqualTo(1);
        assertThat(set.out()).contains("Error: 1002").contains("conf set of server, hba and limit keys is not supported yet")
                .contains("change pgagroal_hba.conf and run conf reload");
        assertThat(PG.pooler().config().hba()).singleElement().satisfies(e -> assertThat(e.method().configName()).isEqualTo("trust"));
        assertThat(cli("switch-to", "nowhere").out()).contains("Error: 1300").contains("switch-to failed: no server named \"nowhere\"");
        assertThat(cli("clear", "prometheus").out()).contains("clear prometheus is not supported yet");
    }

    @Test
    void clearServerOfAnUnknownNameIsAnError() {
        CliRun clear = cli("-F", "json", "clear", "server", "nowhere");
        assertThat(clear.status()).isZero();
        assertThat(clear.json().at("/Outcome/Status").asBoolean(true)).isFalse();
        assertThat(clear.json().at("/Request/Server").asText()).isEqualTo("nowhere");
        assertThat(cli("clear", "server", "primary").out()).contains("Status: true");
    }

    @Test
    void aCommandLineThatIsNoCommandFails() {
        CliRun wrong = cli("-v", "is-alive");
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.err()).contains("unknown command: is-alive").contains("conf reload").contains("pgagroal-cli: Error (1)");
    }

    @Test
    void noPoolerOnTheSocketIsAConnectionFailure() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("empty"));
        CliRun run = CliRun.run(CliRun.conf(Files.createDirectories(dir.resolve("other")), elsewhere), "ping");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("no connection to pgagroal on " + elsewhere.resolve(".s.pgagroal"));
    }

    @Test
    void badFramesGetAnErrorDocumentAndThePoolerGoesOn() throws IOException {
        JsonNode notJson = exchangeRaw(frame(5, "hello"));
        assertThat(notJson.at("/Outcome/Status").asBoolean(true)).isFalse();
        assertThat(notJson.at("/Outcome/Error").asInt()).isEqualTo(1);
        assertThat(notJson.at("/Outcome/Message").asText()).contains("not a JSON document");

        JsonNode cut = exchangeRaw(frame(8, "{\"Header\":{}}"));
        assertThat(cut.at("/Outcome/Error").asInt()).as("a length shorter than the JSON").isEqualTo(1);

        JsonNode tooLong = exchangeRaw(frame(Integer.MAX_VALUE, "{}"));
        assertThat(tooLong.at("/Outcome/Message").asText()).contains("longer than");

        try (SocketChannel channel = open()) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1}));
        }
        assertThat(cli("ping").status()).isZero();
    }

    private static ByteBuffer frame(int length, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(6 + bytes.length).put((byte) 0).put((byte) 0).putInt(length).put(bytes).flip();
    }

    private static SocketChannel open() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(PG.pooler().managementSocket()));
        return channel;
    }

    private static JsonNode exchangeRaw(ByteBuffer frame) throws IOException {
        try (SocketChannel channel = open()) {
            channel.write(frame);
            Frame answer = Frame.read(Channels.newInputStream(channel));
            return Documents.MAPPER.readTree(answer.payload());
        }
    }
}
