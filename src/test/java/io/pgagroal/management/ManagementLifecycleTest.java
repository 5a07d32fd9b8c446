package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.Pgagroal;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgagroal-cli against a pooler started from files (its own pgagroal.conf is what -c reads):
 * conf reload and conf ls, and the shutdowns, which end the pooler.
 */
class ManagementLifecycleTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST);

    @TempDir
    Path dir;

    private Path conf;
    private Path hba;
    private Pgagroal pooler;

    @BeforeEach
    void start() throws Exception {
        conf = Daemon.configuration(dir.resolve("pgagroal.conf"), "127.0.0.1", Ports.free(), "pipeline = session",
                PG.postgres().host(), PG.postgres().port());
        hba = Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all trust\n");
        pooler = Pgagroal.start(new ConfigPaths(conf, hba, null, null, null, null, null));
    }

    @AfterEach
    void stop() {
        pooler.close();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pooler.port() + "/" + PoolerExtension.DATABASE,
                PoolerExtension.USER, PoolerExtension.PASSWORD);
    }

    @Test
    void theCliAsAProcessExitsWithItsStatus() throws Exception {
        Process ping = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Cli.class.getName(), "-c", conf.toString(), "-v", "-F", "json", "ping")
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(ping.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(ping.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ping.exitValue()).isZero();
        assertThat(out).contains("\"Command\": \"ping\"");
        assertThat(err).isEqualTo("pgagroal-cli: Success (0)\n");
    }

    @Test
    void confLsNamesTheFiles() {
        CliRun ls = CliRun.run(conf, "conf", "ls");
        assertThat(ls.out()).contains("main_configuration_path: " + conf).contains("hba_configuration_path: " + hba)
                .contains("users_configuration_path: ''");
    }

    @Test
    void confReloadAppliesAChangedHba() throws Exception {
        connect().close();
        Files.writeString(hba, "host all all all reject\n");

        CliRun reload = CliRun.run(conf, "-F", "json", "conf", "reload");

        assertThat(reload.status()).isZero();
        assertThat(reload.json().at("/Outcome/Status").asBoolean()).isTrue();
        assertThat(reload.json().at("/Response/Restart").asBoolean(true)).isFalse();
        assertThat(reload.json().at("/Response/Applied").toString()).contains("pgagroal_hba.conf");
        assertThatThrownBy(this::connect).isInstanceOf(SQLException.class);

        Files.writeString(hba, "host all all all nowhere-method\n");
        CliRun broken = CliRun.run(conf, "conf", "reload");
        assertThat(broken.out()).contains("Status: false").contains("Error: 1100").contains("nothing changed");
    }

    @Test
    void confSetAppliesAReloadableKeyAndOnlyReportsARestartOnlyOne() {
        CliRun applied = CliRun.run(conf, "conf", "set", "blocking_timeout", "7");
        assertThat(applied.status()).isZero();
        assertThat(applied.out()).startsWith("Configuration change applied successfully\n").contains("Parameter: blocking_timeout")
                .contains("Old value: 30").contains("New value: 7").contains("Status: success\n");
        assertThat(pooler.config().main().blockingTimeout()).hasSeconds(7);
        assertThat(CliRun.run(conf, "conf", "get", "blocking_timeout").out()).isEqualTo("7\n");

        CliRun restart = CliRun.run(conf, "-F", "json", "conf", "set", "pgagroal.max_connections", "20");
        assertThat(restart.status()).isZero();
        assertThat(restart.json().at("/Response/status").asText()).isEqualTo("success_restart_required");
        assertThat(restart.json().at("/Response/restart_required").asBoolean()).isTrue();
        assertThat(restart.json().at("/Response/requested_value").asText()).isEqualTo("20");
        assertThat(pooler.config().main().maxConnections()).isEqualTo(100);
        assertThat(CliRun.run(conf, "conf", "set", "max_connections", "20").out())
                .startsWith("Configuration change requires manual restart\n").contains("Current value: 100");

        CliRun unknown = CliRun.run(conf, "conf", "set", "no_such_key", "1");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.out()).contains("Error: 1002").contains("unknown configuration key no_such_key");
        CliRun invalid = CliRun.run(conf, "conf", "set", "blocking_timeout", "soon");
        assertThat(invalid.status()).isEqualTo(1);
        assertThat(invalid.out()).contains("Error: 1002").contains("blocking_timeout");
        assertThat(pooler.config().main().blockingTimeout()).hasSeconds(7);
    }

    @Test
    void shutdownCancelAdmitsClientsAgain() throws Exception {
        try (Connection held = connect()) {
            assertThat(CliRun.run(conf, "shutdown", "gracefully").status()).isZero();
            assertThat(CliRun.run(conf, "status").out()).contains("Status: Graceful shutdown");
            assertThatThrownBy(this::connect).isInstanceOf(SQLException.class).hasMessageContaining("shutting down");

            CliRun cancel = CliRun.run(conf, "-F", "json", "shutdown", "cancel");

            assertThat(cancel.json().at("/Header/Command").asText()).isEqualTo("cancel-shutdown");
            assertThat(CliRun.run(conf, "status").out()).contains("Status: Running");
            connect().close();
            assertThat(held.isValid(2)).isTrue();
        }
        assertThat(pooler.stopped()).isNotDone();
    }

    @Test
    void shutdownGracefullyStopsThePoolerOnceClientsLeave() throws Exception {
        Path socket = pooler.managementSocket();
        try (Connection held = connect()) {
            CliRun shutdown = CliRun.run(conf, "shutdown");
            assertThat(shutdown.out()).contains("Command: 10").contains("Status: true");
            Thread.sleep(300);
            assertThat(pooler.stopped()).as("a client is still there").isNotDone();
            assertThat(held.isValid(2)).isTrue();
        }
        pooler.stopped().get(10, TimeUnit.SECONDS);
        assertThat(socket).doesNotExist();
        assertThat(CliRun.run(conf, "ping").status()).as("nobody answers any more").isEqualTo(1);
    }

    @Test
    void shutdownImmediateStopsThePoolerNow() throws Exception {
        try (Connection held = connect()) {
            CliRun shutdown = CliRun.run(conf, "-F", "json", "shutdown", "immediate");
            assertThat(shutdown.json().at("/Header/Command").asText()).isEqualTo("shutdown");
            pooler.stopped().get(10, TimeUnit.SECONDS);
            assertThat(held.isValid(2)).isFalse();
        }
    }
}
