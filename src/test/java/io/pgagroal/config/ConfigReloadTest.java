package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload over a running snapshot: reloadable keys and the HBA and databases files are taken,
 * restart-only keys and the servers keep their running values and are reported, and a combination
 * that cannot run (a restart-only value the other keys would change) is refused as a whole.
 */
class ConfigReloadTest {

    @TempDir
    Path dir;

    private PgagroalConfig.Builder base() {
        return PgagroalConfig.builder()
                .set("host", "127.0.0.1").set("port", "6432").set("unix_socket_dir", dir.toString())
                .set("max_connections", "10")
                .server("primary", "127.0.0.1", 5432)
                .hba("host all all all trust")
                .limit("appdb all 4");
    }

    @Test
    void reloadableKeysAndFilesAreApplied() throws ConfigException {
        PgagroalConfig running = base().build();
        PgagroalConfig candidate = base().set("log_level", "debug").set("blocking_timeout", "3")
                .hba("host all blocked all reject").limit("otherdb all 2").build();

        ConfigReload reload = ConfigReload.of(running, candidate, KnownUsers.NONE);

        assertThat(reload.applied()).containsExactly("log_level", "blocking_timeout", "pgagroal_hba.conf",
                "pgagroal_databases.conf");
        assertThat(reload.restartRequired()).isEmpty();
        assertThat(reload.config().main().logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(reload.config().main().blockingTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(reload.config().hba()).hasSize(2);
        assertThat(reload.config().limits().bestRule("u", "otherdb")).map(LimitEntry::maxSize).contains(2);
    }

    @Test
    void confSetReachesTheMainSectionWhateverItsHeaderCarries() throws Exception {
        Path conf = Files.writeString(dir.resolve("pgagroal.conf"), String.join("\n",
                "[pgagroal]   # the pooler", "host = 127.0.0.1", "port = 6432", "unix_socket_dir = " + dir,
                "[primary]", "host = 127.0.0.1", "port = 5432", ""));
        Path hba = Files.writeString(dir.resolve("pgagroal_hba.conf"), "host all all all trust\n");
        PgagroalConfig running = PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null), KnownUsers.NONE);

        PgagroalConfig changed = running.with("log_level", "debug", KnownUsers.NONE);

        assertThat(changed.main().logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(changed.warnings()).isEmpty();
    }

    @Test
    void prefillSizesAreRestartOnly() throws ConfigException {
        KnownUsers users = new KnownUsers(Set.of("app"), Set.of(), Set.of(), Set.of());
        PgagroalConfig running = base().users(users).build();
        PgagroalConfig candidate = base().users(users).limit("otherdb app 2 1 1").build();

        ConfigReload reload = ConfigReload.of(running, candidate, users);

        assertThat(reload.applied()).containsExactly("pgagroal_databases.conf");
        assertThat(reload.restartRequired()).containsExactly("pgagroal_databases.conf initial_size/min_size");
    }

    @Test
    void nothingChangedAppliesNothing() throws ConfigException {
        ConfigReload reload = ConfigReload.of(base().build(), base().build(), KnownUsers.NONE);

        assertThat(reload.applied()).isEmpty();
        assertThat(reload.restartRequired()).isEmpty();
    }

    @Test
    void restartOnlyKeysKeepTheirRunningValue() throws ConfigException {
        PgagroalConfig running = base().build();
        PgagroalConfig candidate = base().set("max_connections", "20").set("port", "6433").set("pipeline", "session")
                .set("log_level", "warn").build();

        ConfigReload reload = ConfigReload.of(running, candidate, KnownUsers.NONE);

        assertThat(reload.restartRequired()).as("the default pid file is named after the port")
                .containsExactly("port", "max_connections", "pipeline", "pidfile");
        assertThat(reload.applied()).containsExactly("log_level");
        MainConfig main = reload.config().main();
        assertThat(main.maxConnections()).isEqualTo(10);
        assertThat(main.port()).isEqualTo(6432);
        assertThat(main.pipeline()).isEqualTo(PipelineKind.PERFORMANCE);
        assertThat(main.pidfile()).isEqualTo(dir.resolve("pgagroal.6432.pid"));
        assertThat(main.logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void limitsAreCheckedAgainstTheRunningMaxConnections() {
        PgagroalConfig running = catchNothing(base());
        PgagroalConfig candidate = catchNothing(base().set("max_connections", "50").limit("otherdb all 40"));

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigReload.of(running, candidate, KnownUsers.NONE));

        assertThat(e.getMessage()).startsWith("<pgagroal_databases.conf>:2:").contains("max_connections");
    }

    @Test
    void serversAreRestartOnly() throws ConfigException {
        PgagroalConfig running = base().build();
        PgagroalConfig candidate = base().server("replica", "127.0.0.2", 5432).build();

        ConfigReload reload = ConfigReload.of(running, candidate, KnownUsers.NONE);

        assertThat(reload.restartRequired()).containsExactly("servers");
        assertThat(reload.config().servers()).extracting(ServerConfig::name).containsExactly("primary");
    }

    @Test
    void serverTlsIsRestartOnlyAndKeepsThePipelineItRunsWith() throws ConfigException {
        PgagroalConfig running = base().build();
        PgagroalConfig candidate = base().serverSet("tls_mode", "prefer").build();
        assertThat(candidate.main().pipeline()).isEqualTo(PipelineKind.SESSION);

        ConfigReload reload = ConfigReload.of(running, candidate, KnownUsers.NONE);

        assertThat(reload.restartRequired()).as("a restart would also bring the session pipeline")
                .containsExactlyInAnyOrder("pipeline", "servers");
        assertThat(reload.config().servers().get(0).tlsMode()).isEqualTo(ServerTlsMode.DISABLE);
        assertThat(reload.config().main().pipeline()).isEqualTo(PipelineKind.PERFORMANCE);
    }

    @Test
    void aRestartOnlyValueThatOtherKeysWouldChangeRefusesTheReload() {
        PgagroalConfig running = catchNothing(base());
        PgagroalConfig candidate = catchNothing(base().set("disconnect_client", "60"));

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigReload.of(running, candidate, KnownUsers.NONE));

        assertThat(e.getMessage()).startsWith("<pgagroal.conf>:").contains("pipeline")
                .contains("from PERFORMANCE to SESSION").contains("restart");
    }

    private static PgagroalConfig catchNothing(PgagroalConfig.Builder builder) {
        try {
            return builder.build();
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }
}
