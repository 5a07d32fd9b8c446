package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.Ports;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGHUP to the daemon while pgbench -c 20 runs through it, in each pipeline. The reload brings a
 * reject line for another user in pgagroal_hba.conf, log_level = debug, authentication_timeout = 1
 * and a changed pgagroal_databases.conf: pgbench sees no failed transaction, the other user is
 * refused from then on, a client that sends nothing is timed out after 1 s, and DEBUG lines appear.
 * Then a broken pgagroal.conf: the reload fails naming file, line and key, and the pooler keeps
 * serving with the configuration it had. Then a changed max_connections: reported as requiring a
 * restart and not applied.
 */
class ReloadDaemonTest {

    private static final String USER = "bench";
    private static final String OTHER = "other";
    private static final String DATABASE = "benchdb";
    private static final String PASSWORD = "bench-secret";
    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    @BeforeAll
    static void createBenchDatabase() {
        PG.postgres().createRole(USER, PASSWORD);
        PG.postgres().createRole(OTHER, PASSWORD);
        PG.postgres().createDatabase(DATABASE, USER);
        Pgbench.initialize(PG.postgres().endpoint(USER, PASSWORD, DATABASE), 1).orThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"performance", "session", "transaction"})
    void sighupUnderPgbench(String pipeline) throws Exception {
        int port = Ports.free();
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = dir.resolve("pgagroal_users.conf");
        UsersFile file = UsersFile.openOrNew(users);
        file.add(USER, PASSWORD, key);
        file.add(OTHER, PASSWORD, key);
        file.write();
        Path conf = configuration(port, pipeline, "log_level = info\nmax_connections = 40");
        Path hba = dir.resolve("pgagroal_hba.conf");
        Path limits = dir.resolve("pgagroal_databases.conf");
        Files.writeString(hba, "host all all all scram-sha-256\n");
        Files.writeString(limits, "benchdb bench 25 2 2\npostgres other 2 1 1\n");
        Path log = dir.resolve("console.log");
        Process daemon = PG.start(log, List.of("-D" + MasterKey.HOME_PROPERTY + "=" + home),
                "-c", conf.toString(), "-a", hba.toString(), "-l", limits.toString(), "-u", users.toString());
        try {
            Daemon.awaitListening(port, dir, daemon, log);
            selectOne(port, OTHER);
            assertThat(Files.readString(log)).as("log_level = info at start").doesNotContain("DEBUG");
            CompletableFuture<PgbenchResult> bench = CompletableFuture.supplyAsync(() ->
                    Pgbench.against(endpoint(port)).clients(20).threads(2).seconds(8).run());
            Thread.sleep(2000);

            configuration(port, pipeline, "log_level = debug\nauthentication_timeout = 1\nmax_connections = 40");
            Files.writeString(hba, "host all other all reject\nhost all all all scram-sha-256\n");
            Files.writeString(limits, "benchdb bench 30 2 2\npostgres other 2 1 1\n");
            reload(daemon, log, "Configuration reloaded: applied log_level, authentication_timeout, pgagroal_hba.conf,"
                    + " pgagroal_databases.conf");
            assertThatThrownBy(() -> selectOne(port, OTHER)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("pgagroal_hba.conf rejects connection").hasMessageContaining("\"other\"");
            int before = Files.readString(log).length();
            try (Socket silent = new Socket("127.0.0.1", port)) {
                awaitLog(log, before, 3000, List.of("authentication timeout: address=127.0.0.1"));
            }
            selectOne(port, USER);
            awaitLog(log, before, 3000, List.of("DEBUG SlotRequest: Slot"));

            configuration(port, pipeline, "log_level = debug\nauthentication_timeout = 1\nmax_connections = lots");
            reload(daemon, log, "Reload failed, the running configuration is kept: " + conf + ":9: max_connections: \"lots\" is not an integer");
            selectOne(port, USER);
            assertThatThrownBy(() -> selectOne(port, OTHER)).isInstanceOf(SQLException.class);

            configuration(port, pipeline, "log_level = debug\nauthentication_timeout = 1\nmax_connections = 50");
            reload(daemon, log, "max_connections changed, which requires a restart; the running value is kept",
                    "Configuration reloaded: nothing to apply");
            selectOne(port, USER);

            PgbenchResult result = bench.get(60, TimeUnit.SECONDS);
            assertThat(result.process().exitCode()).as(result.process().describe()).isZero();
            assertThat(result.failedTransactions().orElse(0)).as(result.process().describe()).isZero();
            assertThat(result.processedTransactions()).as(result.process().describe()).isPresent();
            assertThat(result.processedTransactions().getAsLong()).isPositive();
            assertThat(daemon.isAlive()).isTrue();
        } finally {
            daemon.destroy();
            daemon.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** pgagroal.conf for this pipeline, every client in the users vault, and the {@code extra} lines from line 7 on. */
    private Path configuration(int port, String pipeline, String extra) throws IOException {
        return PG.configuration(dir, "pgagroal.conf", "127.0.0.1", port,
                "pipeline = " + pipeline + "\nallow_unknown_users = off\n" + extra);
    }

    private static Endpoint endpoint(int port) {
        return PG.postgres().endpoint(USER, PASSWORD, DATABASE).withPort(port);
    }

    private static void selectOne(int port, String user) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/"
                + (user.equals(USER) ? DATABASE : "postgres"), user, PASSWORD)) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
    }

    /** Sends SIGHUP and waits for the lines that say how the reload ended. */
    private static void reload(Process daemon, Path log, String... expected) throws Exception {
        int before = Files.readString(log).length();
        Daemon.signal(daemon, "HUP");
        List<String> lines = new ArrayList<>(List.of("Received SIGHUP"));
        lines.addAll(List.of(expected));
        awaitLog(log, before, 10_000, lines);
    }

    /** Waits until the log, from character {@code from} on, holds each of {@code texts}, in this order. */
    private static void awaitLog(Path log, int from, long millis, List<String> texts) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        String text = "";
        while (System.currentTimeMillis() < deadline) {
            text = Files.readString(log).substring(from);
            int at = 0;
            for (String wanted : texts) {
                at = at < 0 ? at : text.indexOf(wanted, at);
            }
            if (at >= 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the log has no " + texts + " in this order:\n" + text);
    }
}
