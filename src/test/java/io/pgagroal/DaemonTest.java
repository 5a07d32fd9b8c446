package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as an operator runs it: a separate JVM started with -c and -a, logging at the
 * configured level to the console, stopped by SIGTERM: exit status 0, Terminate sent to every
 * server connection, the Unix socket file removed.
 */
class DaemonTest {

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    @Test
    void sigtermStopsCleanly() throws Exception {
        int port = Ports.free();
        Path conf = configuration(port, "log_type = console\nlog_level = debug");
        Path log = dir.resolve("console.log");
        Process daemon = PG.start(log, List.of(), "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString());
        Daemon.awaitListening(port, dir, daemon, log);
        Path socket = dir.resolve(".s.PGSQL." + port);
        assertThat(socket).exists();
        PG.assertServes(port);
        assertThat(serverConnections()).as("the connection is pooled").isEqualTo("1");

        daemon.destroy();
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).as("pgagroal stops on SIGTERM").isTrue();
        assertThat(daemon.exitValue()).isZero();
        assertThat(socket).doesNotExist();
        for (int i = 0; i < 50 && !serverConnections().equals("0"); i++) {
            Thread.sleep(100);
        }
        assertThat(serverConnections()).as("Terminate was sent to the pooled connection").isEqualTo("0");
        String output = Files.readString(log);
        assertThat(output).contains("DEBUG").contains("Received SIGTERM").contains("pgagroal stopped");
    }

    @Test
    void usersVaultThroughTheDaemon() throws Exception {
        PG.postgres().createRole("vaulted", "vault-secret");
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = dir.resolve("pgagroal_users.conf");
        UsersFile file = UsersFile.openOrNew(users);
        file.add("vaulted", "vault-secret", key);
        file.write();
        int port = Ports.free();
        Path conf = configuration(port, "allow_unknown_users = off");
        Path hba = Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all scram-sha-256\n");
        Path log = dir.resolve("console.log");
        Process daemon = PG.start(log, List.of("-Dpgagroal.home=" + home), "-c", conf.toString(), "-a", hba.toString(), "-u", users.toString());
        Daemon.awaitListening(port, dir, daemon, log);
        Properties properties = new Properties();
        properties.setProperty("user", "vaulted");
        properties.setProperty("password", "vault-secret");
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties)) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
        daemon.destroy();
        daemon.waitFor(15, TimeUnit.SECONDS);

        Path otherHome = dir.resolve("other-home");
        Files.createDirectories(otherHome);
        MasterKey.create(otherHome, "another-master-key", false);
        Process refused = PG.start(log, List.of("-Dpgagroal.home=" + otherHome), "-c", conf.toString(), "-a", hba.toString(), "-u", users.toString());
        assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(Files.readString(log)).contains(users.toString() + ":1").contains("master key");
    }

    /**
     * PostgreSQL down: every client's failed connect logs the same warning, which the daemon logs a few
     * times only, into a log file whose name and line prefix are strftime patterns.
     */
    @Test
    void fileLogWithStrftimeAndRepeatedWarningsLimited() throws Exception {
        int port = Ports.free();
        Path conf = Daemon.configuration(dir.resolve("pgagroal.conf"), "127.0.0.1", port, """
                log_type = file
                log_path = %s/pgagroal-%%Y%%m%%d.log
                log_line_prefix = '[%%H:%%M:%%S] '
                """.formatted(dir), "127.0.0.1", Ports.free());
        Path output = dir.resolve("console.log");
        Process daemon = PG.start(output, List.of(), "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString());
        Daemon.awaitListening(port, dir, daemon, output);
        Properties properties = new Properties();
        properties.setProperty("user", "app");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/appdb", properties))
                    .isInstanceOf(SQLException.class);
        }
        daemon.destroy();
        daemon.waitFor(15, TimeUnit.SECONDS);
        Path log = dir.resolve("pgagroal-" + DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.now()) + ".log");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).allMatch(line -> line.matches("\\[\\d\\d:\\d\\d:\\d\\d] (INFO |WARN |ERROR) \\w+: .*"), "prefix, level, class");
        assertThat(lines).filteredOn(line -> line.contains("Could not connect to server primary")).hasSize(Logging.BURST);
        assertThat(lines).anyMatch(line -> line.contains("pgagroal stopped"));
    }

    @Test
    void aKeyWithoutEffectStopsTheStart() throws Exception {
        Path conf = configuration(Ports.free(), "tracker = on");
        Path output = dir.resolve("console.log");
        Process daemon = PG.start(output, List.of(), "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString());
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(Files.readString(output)).contains(conf + ":5: tracker: not supported yet");
    }

    /** A pgagroal.conf listening on {@code port} in front of the test's PostgreSQL, with extra [pgagroal] lines. */
    private Path configuration(int port, String extra) throws IOException {
        return PG.configuration(dir, "pgagroal.conf", "127.0.0.1", port, extra);
    }

    private static String serverConnections() {
        return PG.postgres().query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                + " AND pid <> pg_backend_pid()").trim();
    }
}
