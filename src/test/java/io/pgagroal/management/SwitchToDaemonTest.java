package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.Psql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pgagroal-cli switch-to} with two real PostgreSQL servers behind the daemon: the named one
 * becomes the primary and new clients reach it (inet_server_port()), the old one is failed, and its
 * connections are closed once their clients give them back. In the transaction pipeline a client
 * logged in before the switch runs its next transaction on the new primary.
 */
class SwitchToDaemonTest {

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();
    private static PostgresServer second;

    @TempDir
    Path dir;

    @BeforeAll
    static void secondServer() {
        second = PostgresServer.start(PostgresServer.AuthMethod.TRUST);
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "transaction"})
    void newClientsReachTheNewPrimary(String pipeline) throws Exception {
        int port = Ports.free();
        Path conf = start(port, pipeline);
        Endpoint pooler = new Endpoint("127.0.0.1", port, PG.postgres().superuser(), null, "postgres");
        assertThat(serverPort(pooler)).isEqualTo(PG.postgres().port());

        try (Connection before = connect(port)) {
            assertThat(serverPort(before)).isEqualTo(PG.postgres().port());

            BinCli switched = BinCli.run(conf, "-F", "json", "switch-to", "second");
            assertThat(switched.status()).as(switched.result().describe()).isZero();
            JsonNode response = switched.json();
            assertThat(response.at("/Header/Command").asText()).isEqualTo("switch-to");
            assertThat(response.at("/Outcome/Status").asBoolean()).isTrue();
            assertThat(response.at("/Response/Servers/0/State").asText()).isEqualTo("Failed");
            assertThat(response.at("/Response/Servers/1/State").asText()).isEqualTo("Primary");

            assertThat(serverPort(pooler)).as("a new client").isEqualTo(second.port());
            int expected = pipeline.equals("transaction") ? second.port() : PG.postgres().port();
            assertThat(serverPort(before)).as("a client from before the switch").isEqualTo(expected);
        }
        JsonNode details = BinCli.run(conf, "-F", "json", "status", "details").json().path("Response");
        for (int i = 0; i < 50 && details.path("ServerConnections").toString().contains("\"primary\""); i++) {
            Thread.sleep(100);
            details = BinCli.run(conf, "-F", "json", "status", "details").json().path("Response");
        }
        assertThat(details.path("ServerConnections").toString()).as("no connection to the old primary is kept")
                .doesNotContain("\"primary\"").contains("\"second\"");

        String text = BinCli.run(conf, "status").out();
        assertThat(text).contains("Server: primary").contains("State: Failed").contains("State: Primary");
        assertThat(BinCli.run(conf, "switch-to", "nowhere").out()).contains("Error: 1300").contains("no server named \"nowhere\"");
    }

    private static int serverPort(Endpoint endpoint) {
        return Integer.parseInt(Psql.query(endpoint, "SELECT inet_server_port()").orThrow().stdout().trim());
    }

    private static int serverPort(Connection connection) throws SQLException {
        ResultSet rs = connection.createStatement().executeQuery("SELECT inet_server_port()");
        rs.next();
        return rs.getInt(1);
    }

    private static Connection connect(int port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PG.postgres().superuser());
        properties.setProperty("assumeMinServerVersion", "15");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
    }

    /** Two servers, [primary] and [second]; a users vault and a databases file (the transaction pipeline needs both); trust at the pooler. */
    private Path start(int port, String pipeline) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = dir.resolve("pgagroal_users.conf");
        UsersFile file = UsersFile.openOrNew(users);
        file.add(PG.postgres().superuser(), "unused-with-trust", key);
        file.write();
        Path conf = PG.configuration(dir, "pgagroal.conf", "127.0.0.1", port, "pipeline = " + pipeline + "\nallow_unknown_users = off");
        Files.writeString(conf, "\n[second]\nhost = %s\nport = %d\n".formatted(second.host(), second.port()), StandardOpenOption.APPEND);
        Path limits = Files.writeString(dir.resolve("pgagroal_databases.conf"), "postgres " + PG.postgres().superuser() + " 4 1 1\n");
        Path log = dir.resolve("console.log");
        Process daemon = PG.start(log, List.of("-D" + MasterKey.HOME_PROPERTY + "=" + home),
                "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString(), "-u", users.toString(), "-l", limits.toString());
        Daemon.awaitListening(port, dir, daemon, log);
        return conf;
    }
}
