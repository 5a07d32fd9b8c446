package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Daemon;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Pgagroal#reload()} and {@link Pgagroal#reload(PgagroalConfig)} in one JVM: what a reload
 * puts in force applies to the next client (HBA, limits, blocking_timeout, the users vault) while
 * sessions already running go on; a pooler built in code has no files to reload; a broken file
 * changes nothing.
 */
class ReloadTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> b.set("pipeline", "session").limit("appdb all 1"));

    @TempDir
    Path dir;

    /** The extension's configuration with {@code limit}, {@code blocking_timeout} and these HBA lines before its own. */
    private static PgagroalConfig.Builder running(int limit, int blockingTimeout, String... hbaFirst) {
        PgagroalConfig.Builder builder = PgagroalConfig.builder();
        for (String line : hbaFirst) {
            builder.hba(line);
        }
        PgagroalConfig start = PG.pooler().config();
        return builder.set("host", "127.0.0.1").set("port", Integer.toString(PG.pooler().port()))
                .set("unix_socket_dir", start.main().unixSocketDir().toString()).set("max_connections", "10")
                .set("worker_threads", Integer.toString(start.main().workerThreads()))
                .set("pipeline", "session").set("blocking_timeout", Integer.toString(blockingTimeout))
                .server("primary", PG.postgres().host(), PG.postgres().port())
                .hba("host all all all trust").limit("appdb all " + limit);
    }

    @AfterEach
    void restore() throws ConfigException {
        assertThat(PG.pooler().reload(running(1, 5).build()).error()).isEmpty();
    }

    @Test
    void anEventBackendThatCannotRunHereFailsTheReloadAndChangesNothing() throws ConfigException {
        ReloadReport report = PG.pooler().reload(running(2, 5).set("ev_backend", "kqueue").build());
        assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains(": ev_backend: kqueue is the event backend of BSD and macOS"));
        assertThat(report.applied()).isEmpty();
        assertThat(PG.pooler().config().limits().bestRule("u", "appdb")).map(LimitEntry::maxSize).as("the running limits").contains(1);
    }

    @Test
    void aPoolerBuiltInCodeHasNoFilesToReload() {
        PgagroalConfig before = PG.pooler().config();

        ReloadReport report = PG.pooler().reload();

        assertThat(report.succeeded()).isFalse();
        assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains("nothing to reload").contains("reload(PgagroalConfig)"));
        assertThat(PG.pooler().config()).isSameAs(before);
    }

    @Test
    void limitsAndBlockingTimeoutApplyToTheNextClient() throws Exception {
        try (Connection holder = PG.connect()) {
            ReloadReport shorter = PG.pooler().reload(running(1, 1).build());
            assertThat(shorter.applied()).containsExactly("blocking_timeout");

            long start = System.nanoTime();
            assertThatThrownBy(PG::connect).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("53300"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("blocking_timeout 1, not 5")
                    .isLessThan(Duration.ofMillis(3500));

            ReloadReport wider = PG.pooler().reload(running(2, 1).build());
            assertThat(wider.applied()).containsExactly("pgagroal_databases.conf");
            try (Connection second = PG.connect()) {
                assertThat(second.createStatement().executeQuery("SELECT 1").next()).isTrue();
            }
            assertThat(holder.createStatement().executeQuery("SELECT 2").next()).as("the first session goes on").isTrue();
        }
    }

    @Test
    void anHbaRejectRefusesNewClientsOnly() throws Exception {
        try (Connection before = PG.connect()) {
            ReloadReport report = PG.pooler().reload(running(1, 5, "host all " + PoolerExtension.USER + " all reject").build());
            assertThat(report.applied()).containsExactly("pgagroal_hba.conf");

            PG.awaitIdle();
            assertThat(before.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
        PG.awaitIdle();
        assertThatThrownBy(PG::connect).isInstanceOf(SQLException.class).hasMessageContaining("pgagroal_hba.conf");
    }

    @Test
    void allowUnknownUsersOffRefusesTheNextUnknownUser() throws Exception {
        ReloadReport report = PG.pooler().reload(running(1, 5).set("allow_unknown_users", "off").build());

        assertThat(report.applied()).containsExactly("allow_unknown_users");
        PG.awaitIdle();
        assertThatThrownBy(PG::connect).isInstanceOf(SQLException.class).hasMessageContaining("not known to pgagroal");
    }

    @Test
    void aRestartOnlyChangeIsReportedAndKept() throws ConfigException {
        ReloadReport report = PG.pooler().reload(running(1, 5).set("max_connections", "20").set("log_connections", "on").build());

        assertThat(report.succeeded()).isTrue();
        assertThat(report.needsRestart()).isTrue();
        assertThat(report.restartRequired()).containsExactly("max_connections");
        assertThat(report.applied()).containsExactly("log_connections");
        assertThat(PG.pooler().config().main().maxConnections()).isEqualTo(10);
        assertThat(PG.pooler().config().main().logConnections()).isTrue();
    }

    @Test
    void aKeyNotSupportedYetIsRefusedAsAtStart() throws ConfigException {
        PgagroalConfig before = PG.pooler().config();

        ReloadReport report = PG.pooler().reload(running(1, 5).set("tracker", "on").build());

        assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains("tracker").contains("not supported yet"));
        assertThat(PG.pooler().config()).isSameAs(before);
    }

    @Test
    void filesAreReadAgainAndABrokenOneChangesNothing() throws Exception {
        PG.postgres().createRole("latecomer", "late-secret");
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = dir.resolve("pgagroal_users.conf");
        UsersFile vault = UsersFile.openOrNew(users);
        vault.add(PoolerExtension.USER, PoolerExtension.PASSWORD, key);
        vault.write();
        Path conf = Daemon.configuration(dir.resolve("pgagroal.conf"), "127.0.0.1", Ports.free(), "allow_unknown_users = off",
                PG.postgres().host(), PG.postgres().port());
        Path hba = Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all scram-sha-256\n");
        String previous = System.getProperty(MasterKey.HOME_PROPERTY);
        System.setProperty(MasterKey.HOME_PROPERTY, home.toString());
        try (Pgagroal pooler = Pgagroal.start(new ConfigPaths(conf, hba, null, users, null, null, null))) {
            assertThatThrownBy(() -> connect(pooler, "latecomer", "late-secret")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("not known to pgagroal");

            vault.add("latecomer", "late-secret", key);
            vault.write();
            assertThat(pooler.reload().succeeded()).isTrue();
            connect(pooler, "latecomer", "late-secret").close();

            Files.writeString(hba, "host all all all scram-sha-256\nhost all all nowhere trust\n");
            ReloadReport broken = pooler.reload();
            assertThat(broken.error()).hasValueSatisfying(e -> assertThat(e).startsWith(hba + ":2:"));
            assertThat(pooler.config().hba()).hasSize(1);
            connect(pooler, "latecomer", "late-secret").close();
            connect(pooler, PoolerExtension.USER, PoolerExtension.PASSWORD).close();
            assertThat(pooler.reload(PG.pooler().config()).error())
                    .hasValueSatisfying(e -> assertThat(e).contains("started from files"));
        } finally {
            if (previous == null) {
                System.clearProperty(MasterKey.HOME_PROPERTY);
            } else {
                System.setProperty(MasterKey.HOME_PROPERTY, previous);
            }
        }
    }

    private static Connection connect(Pgagroal pooler, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pooler.port() + "/postgres", properties);
    }
}
