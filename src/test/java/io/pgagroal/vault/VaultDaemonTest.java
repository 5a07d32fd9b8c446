package io.pgagroal.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.management.Cli;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The programs as an operator runs them: the pgagroal daemon with its admins file (-A) and a
 * management port, pgagroal-cli logging in to it with -h/-p/-U/-P, and pgagroal-vault as a process
 * of its own handing out the frontend password the daemon rotates; SIGTERM stops the vault, and
 * {@code shutdown immediate} over remote management the daemon.
 */
class VaultDaemonTest {

    private static final String USER = "rotated";
    private static final String PASSWORD = "rotated-secret";
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-secret";

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    @Test
    void theDaemonTheCliAndTheVault() throws Exception {
        PG.postgres().createRole(USER, PASSWORD);
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = usersFile("pgagroal_users.conf", USER, PASSWORD, key);
        Path admins = usersFile("pgagroal_admins.conf", ADMIN, ADMIN_PASSWORD, key);
        Path vaultUsers = usersFile("pgagroal_vault_users.conf", ADMIN, ADMIN_PASSWORD, key);
        int port = Ports.free();
        int management = Ports.free();
        Path conf = PG.configuration(dir, "pgagroal.conf", "127.0.0.1", port, "management = " + management
                + "\nrotate_frontend_password_timeout = 60\nallow_unknown_users = off");
        Path hba = Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all scram-sha-256\n");
        List<String> jvm = List.of("-D" + MasterKey.HOME_PROPERTY + "=" + home);
        Path log = dir.resolve("pgagroal.log");
        Process daemon = PG.start(log, jvm, "-c", conf.toString(), "-a", hba.toString(), "-u", users.toString(), "-A", admins.toString());
        Daemon.awaitListening(port, dir, daemon, log);
        Daemon.awaitPort(management, daemon, log);

        assertThat(cli(management, ADMIN_PASSWORD, "ping")).isZero();
        assertThat(cli(management, "not-the-password", "ping")).isEqualTo(1);

        int vaultPort = Ports.free();
        Path vaultConf = Files.writeString(dir.resolve("pgagroal_vault.conf"), VaultHome.confText(vaultPort, "", management, ADMIN));
        Path vaultLog = dir.resolve("vault.log");
        Process vault = PG.track(Daemon.command(Vault.class, jvm, "-c", vaultConf.toString(), "-u", vaultUsers.toString())
                .redirectOutput(vaultLog.toFile()).start());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> answer = null;
        for (int i = 0; i < 100 && answer == null; i++) {
            try {
                answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vaultPort + "/users/" + USER)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException notYet) {
                assertThat(vault.isAlive()).as("pgagroal-vault runs: %s", Files.exists(vaultLog) ? Files.readString(vaultLog) : "").isTrue();
                Thread.sleep(100);
            }
        }
        assertThat(answer).as("pgagroal-vault listens").isNotNull();
        assertThat(answer.statusCode()).isEqualTo(200);
        String rotated = answer.body();
        assertThat(rotated).as("rotate_frontend_password_length defaults to 8").hasSize(8).isNotEqualTo(PASSWORD);
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, rotated)) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }

        vault.destroy();
        assertThat(vault.waitFor(15, TimeUnit.SECONDS)).as("SIGTERM stops pgagroal-vault").isTrue();

        assertThat(cli(management, ADMIN_PASSWORD, "shutdown", "immediate")).isZero();
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).as("shutdown over remote management stops the daemon").isTrue();
    }

    /** pgagroal-cli in remote mode as the admin, with this password; its exit status. */
    private static int cli(int management, String password, String... command) {
        List<String> args = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(management), "-U", ADMIN,
                "-P", password));
        args.addAll(List.of(command));
        return new CommandLine(new Cli()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(new StringWriter()))
                .execute(args.toArray(String[]::new));
    }

    private Path usersFile(String name, String user, String password, MasterKey key) throws Exception {
        Path path = dir.resolve(name);
        UsersFile file = UsersFile.openOrNew(path);
        file.add(user, password, key);
        file.write();
        return path;
    }
}
