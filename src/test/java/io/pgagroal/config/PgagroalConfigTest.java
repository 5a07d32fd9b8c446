package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PgagroalConfigTest {

    private final ConfigFixture files;

    PgagroalConfigTest(@TempDir Path dir) {
        files = new ConfigFixture(dir);
    }

    @Test
    void minimalFileGetsTheDefaults() throws ConfigException {
        PgagroalConfig config = files.load();
        MainConfig main = config.main();
        assertThat(main.host()).isEqualTo("localhost");
        assertThat(main.port()).isEqualTo(2345);
        assertThat(main.unixSocketDir()).isEqualTo(files.dir);
        assertThat(main.metrics()).isZero();
        assertThat(main.metricsCacheMaxAge()).isZero();
        assertThat(main.metricsCacheMaxSize()).isEqualTo(256 * 1024);
        assertThat(main.metricsCertFile()).isNull();
        assertThat(main.management()).isZero();
        assertThat(main.logType()).isEqualTo(LogType.CONSOLE);
        assertThat(main.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(main.logPath()).isEqualTo("pgagroal.log");
        assertThat(main.logRotationAge()).isZero();
        assertThat(main.logRotationSize()).isZero();
        assertThat(main.logLinePrefix()).isEqualTo("%Y-%m-%d %H:%M:%S");
        assertThat(main.logMode()).isEqualTo(LogMode.APPEND);
        assertThat(main.logConnections()).isFalse();
        assertThat(main.logDisconnections()).isFalse();
        assertThat(main.blockingTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(main.idleTimeout()).isZero();
        assertThat(main.maxConnectionAge()).isZero();
        assertThat(main.validation()).isEqualTo(ValidationMode.OFF);
        assertThat(main.backgroundInterval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(main.maxRetries()).isEqualTo(5);
        assertThat(main.maxConnections()).isEqualTo(100);
        assertThat(main.allowUnknownUsers()).isTrue();
        assertThat(main.authenticationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(main.pipeline()).isEqualTo(PipelineKind.PERFORMANCE);
        assertThat(main.authQuery()).isFalse();
        assertThat(main.failover()).isFalse();
        assertThat(main.failoverScript()).isNull();
        assertThat(main.tls()).isFalse();
        assertThat(main.tlsCertFile()).isNull();
        assertThat(main.tlsKeyFile()).isNull();
        assertThat(main.tlsCaFile()).isNull();
        assertThat(main.evBackend()).isEqualTo(EventBackend.AUTO);
        assertThat(main.keepAlive()).isTrue();
        assertThat(main.nodelay()).isTrue();
        assertThat(main.backlog()).isEqualTo(25);
        assertThat(main.hugepage()).isEqualTo(HugePage.TRY);
        assertThat(main.tracker()).isFalse();
        assertThat(main.trackPreparedStatements()).isFalse();
        assertThat(main.pidfile()).isEqualTo(files.dir.resolve("pgagroal.2345.pid"));
        assertThat(main.updateProcessTitle()).isEqualTo(UpdateProcessTitle.VERBOSE);
        assertThat(main.rotateFrontendPasswordTimeout()).isZero();
        assertThat(main.rotateFrontendPasswordLength()).isEqualTo(8);
        assertThat(main.disconnectClient()).isZero();
        assertThat(main.disconnectClientForce()).isFalse();

        assertThat(config.servers()).containsExactly(
                new ServerConfig("primary", "localhost", 5432, false, false, null, null, null, ServerTlsMode.DISABLE));
        assertThat(config.hba()).hasSize(1);
        assertThat(config.limits().entries()).isEmpty();
        assertThat(config.paths().config()).isEqualTo(files.dir.resolve("pgagroal.conf"));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void explicitValues() throws ConfigException {
        MainConfig main = files.load(
                "metrics = 9187", "metrics_cache_max_age = 1m", "metrics_cache_max_size = 512k", "management = 2346",
                "log_type = file", "log_level = warn", "log_path = /var/log/pgagroal-%Y.log", "log_rotation_age = 1d",
                "log_rotation_size = 1M", "log_line_prefix = '%H:%M:%S '", "log_mode = create",
                "log_connections = on", "log_disconnections = yes", "blocking_timeout = 0", "idle_timeout = 10m",
                "max_connection_age = 1h", "validation = background", "background_interval = 60",
                "max_retries = 2", "max_connections = 200", "allow_unknown_users = off",
                "authentication_timeout = 10", "pipeline = session", "ev_backend = io_uring", "keep_alive = off",
                "nodelay = false", "backlog = 7", "hugepage = off", "tracker = on",
                "track_prepared_statements = on", "pidfile = /run/pgagroal.pid", "update_process_title = minimal",
                "rotate_frontend_password_length = 16", "disconnect_client = 30", "disconnect_client_force = on")
                .main();
        assertThat(main.metrics()).isEqualTo(9187);
        assertThat(main.metricsCacheMaxAge()).isEqualTo(Duration.ofMinutes(1));
        assertThat(main.metricsCacheMaxSize()).isEqualTo(512 * 1024);
        assertThat(main.management()).isEqualTo(2346);
        assertThat(main.logType()).isEqualTo(LogType.FILE);
        assertThat(main.logLevel()).isEqualTo(LogLevel.WARN);
        assertThat(main.logPath()).isEqualTo("/var/log/pgagroal-%Y.log");
        assertThat(main.logRotationAge()).isEqualTo(Duration.ofDays(1));
        assertThat(main.logRotationSize()).isEqualTo(1 << 20);
        assertThat(main.logLinePrefix()).isEqualTo("%H:%M:%S ");
        assertThat(main.logMode()).isEqualTo(LogMode.CREATE);
        assertThat(main.logConnections()).isTrue();
        assertThat(main.logDisconnections()).isTrue();
        assertThat(main.blockingTimeout()).isZero();
        assertThat(main.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(main.maxConnectionAge()).isEqualTo(Duration.ofHours(1));
        assertThat(main.validation()).isEqualTo(ValidationMode.BACKGROUND);
        assertThat(main.backgroundInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(main.maxRetries()).isEqualTo(2);
        assertThat(main.maxConnections()).isEqualTo(200);
        assertThat(main.allowUnknownUsers()).isFalse();
        assertThat(main.authenticationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(main.pipeline()).isEqualTo(PipelineKind.SESSION);
        assertThat(main.evBackend()).isEqualTo(EventBackend.IO_URING);
        assertThat(main.keepAlive()).isFalse();
        assertThat(main.nodelay()).isFalse();
        assertThat(main.backlog()).isEqualTo(7);
        assertThat(main.hugepage()).isEqualTo(HugePage.OFF);
        assertThat(main.tracker()).isTrue();
        assertThat(main.trackPreparedStatements()).isTrue();
        assertThat(main.pidfile()).isEqualTo(Path.of("/run/pgagroal.pid"));
        assertThat(main.updateProcessTitle()).isEqualTo(UpdateProcessTitle.MINIMAL);
        assertThat(main.rotateFrontendPasswordLength()).isEqualTo(16);
        assertThat(main.disconnectClient()).isEqualTo(Duration.ofSeconds(30));
        assertThat(main.disconnectClientForce()).isTrue();
    }

    @Test
    void valueIsTheEffectiveValueAndRawValueTheText() throws ConfigException {
        MainConfig main = files.load("blocking_timeout = 1m", "authentication_timeout = 0", "log_level = debug3").main();
        assertThat(main.value(Setting.BLOCKING_TIMEOUT)).isEqualTo(Duration.ofMinutes(1));
        assertThat(main.rawValue(Setting.BLOCKING_TIMEOUT)).isEqualTo("1m");
        assertThat(main.value(Setting.AUTHENTICATION_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(main.rawValue(Setting.AUTHENTICATION_TIMEOUT)).isEqualTo("0");
        assertThat(main.value(Setting.LOG_LEVEL)).isEqualTo(LogLevel.TRACE);
        assertThat(main.rawValue(Setting.LOG_LEVEL)).isEqualTo("debug3");
        assertThat(main.value(Setting.PIPELINE)).isEqualTo(PipelineKind.PERFORMANCE);
        assertThat(main.rawValue(Setting.PIPELINE)).isEqualTo("auto");
        assertThat(main.rawValue(Setting.TLS_CERT_FILE)).isEmpty();
        assertThat(main.value(Setting.TLS_CERT_FILE)).isNull();
        for (Setting setting : Setting.values()) {
            if (setting.section() == Setting.Section.MAIN && !setting.defaultValue().isEmpty()) {
                assertThat(main.value(setting)).as(setting.key()).isNotNull();
            }
        }
        assertThatThrownBy(() -> main.value(Setting.SERVER_PRIMARY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backlogDefaultsFromMaxConnections() throws ConfigException {
        assertThat(files.load("max_connections = 200", "backlog = 0").main().backlog()).isEqualTo(50);
        assertThat(files.load("max_connections = 20", "backlog = -1").main().backlog()).isEqualTo(16);
    }

    @ParameterizedTest
    @CsvSource({"fatal,FATAL", "error,ERROR", "warn,WARN", "info,INFO", "debug,DEBUG", "debug1,DEBUG",
            "debug2,TRACE", "debug5,TRACE", "trace,TRACE", "DEBUG1,DEBUG"})
    void logLevels(String text, LogLevel level) throws ConfigException {
        assertThat(files.load("log_level = " + text).main().logLevel()).isEqualTo(level);
    }

    @Test
    void logModeLetters() throws ConfigException {
        assertThat(files.load("log_mode = a").main().logMode()).isEqualTo(LogMode.APPEND);
        assertThat(files.load("log_mode = c").main().logMode()).isEqualTo(LogMode.CREATE);
    }

    @Test
    void badValueNamesFileLineAndKey() {
        Path conf = files.dir.resolve("pgagroal.conf");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> files.load("max_connections = abc"));
        assertThat(e).hasMessage(conf + ":5: max_connections: \"abc\" is not an integer");
        assertThat(e.file()).isEqualTo(conf.toString());
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("max_connections");
    }

    @Test
    void invalidValuesAreErrorsNotFallbacks() {
        assertThatThrownBy(() -> files.load("log_type = stderr")).hasMessageEndingWith(
                ":5: log_type: \"stderr\" is not one of console, file, syslog");
        assertThatThrownBy(() -> files.load("log_level = debug6")).hasMessageContaining(":5: log_level: ");
        assertThatThrownBy(() -> files.load("pipeline = fast")).hasMessageContaining(":5: pipeline: ");
        assertThatThrownBy(() -> files.load("idle_timeout = -1")).hasMessageContaining(":5: idle_timeout: ");
        assertThatThrownBy(() -> files.load("max_connections = 10001")).hasMessageEndingWith(
                ":5: max_connections: \"10001\" is out of range (must be between 1 and 10000)");
        assertThatThrownBy(() -> files.load("max_connections = 0")).hasMessageContaining(":5: max_connections: ");
        assertThatThrownBy(() -> files.load("rotate_frontend_password_length = 7"))
                .hasMessageContaining(":5: rotate_frontend_password_length: ");
        assertThatThrownBy(() -> files.load("metrics_cache_max_size = 2M"))
                .hasMessageContaining(":5: metrics_cache_max_size: ");
        assertThatThrownBy(() -> files.load("background_interval = 1"))
                .hasMessageContaining(":5: background_interval: ");
    }

    @Test
    void unknownKeyWarnsWithFileLineAndKey() throws ConfigException {
        PgagroalConfig config = files.load("", "non_blocking = on");
        assertThat(config.warnings()).containsExactly(files.dir.resolve("pgagroal.conf") + ":6: non_blocking: unknown key, ignored");
    }

    @Test
    void keysInTheWrongSectionWarn() throws ConfigException {
        Path conf = files.write("pgagroal.conf", files.conf("primary = on", "[replica]", "host = h", "port = 1",
                "max_connections = 5"));
        Path hba = files.write("hba", "host all all all trust");
        PgagroalConfig config = PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null));
        assertThat(config.warnings()).containsExactly(
                conf + ":5: primary: only valid in a server section, ignored",
                conf + ":9: max_connections: only valid in the [pgagroal] section, ignored");
        assertThat(config.main().maxConnections()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "port", "unix_socket_dir"})
    void requiredMainKeys(String missing) {
        List<String> lines = new ArrayList<>(List.of(files.conf()));
        lines.remove(missing.equals("unix_socket_dir") ? 3 : missing.equals("port") ? 2 : 1);
        Path conf = files.write("pgagroal.conf", lines.toArray(String[]::new));
        Path hba = files.write("hba", "host all all all trust");
        assertThatThrownBy(() -> PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null)))
                .hasMessage(conf + ":1: " + missing + ": required in section [pgagroal]");
    }

    @Test
    void serverWithoutPortNamesTheSection() {
        Path conf = files.write("pgagroal.conf", "[pgagroal]", "host = localhost", "port = 2345",
                "unix_socket_dir = " + files.dir, "", "[replica]", "host = db2");
        Path hba = files.write("hba", "host all all all trust");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null)));
        assertThat(e).hasMessage(conf + ":6: port: required in section [replica]");
    }

    @Test
    void sectionErrors() {
        Path hba = files.write("hba", "host all all all trust");
        Path noMain = files.write("a.conf", "[primary]", "host = localhost", "port = 5432");
        assertThatThrownBy(() -> PgagroalConfig.load(new ConfigPaths(noMain, hba, null, null, null, null, null)))
                .hasMessage(noMain + ": no [pgagroal] section");
        Path noServer = files.write("b.conf", "[pgagroal]", "host = localhost", "port = 2345", "unix_socket_dir = /");
        assertThatThrownBy(() -> PgagroalConfig.load(new ConfigPaths(noServer, hba, null, null, null, null, null)))
                .hasMessage(noServer + ": no server section; add one such as [primary] with host and port");
    }

    @Test
    void serversWithTheSameHostAndPortAreAnError() {
        assertThatThrownBy(() -> files.load("[replica]", "host = localhost", "port = 5432"))
                .hasMessageEndingWith(":9: server [primary] has the same host and port as server [replica] (line 5)");
    }

    @Test
    void serverSettingsAndPrimaryAnywhereInTheSection() throws ConfigException {
        PgagroalConfig config = files.load("[replica]", "primary = on", "host = /var/run/postgresql", "port = 5433");
        assertThat(config.servers()).extracting(ServerConfig::name).containsExactly("replica", "primary");
        ServerConfig replica = config.servers().get(0);
        assertThat(replica.primary()).isTrue();
        assertThat(replica.isUnixSocket()).isTrue();
        assertThat(replica.unixSocket()).isEqualTo(Path.of("/var/run/postgresql/.s.PGSQL.5433"));
        assertThat(config.servers().get(1).isUnixSocket()).isFalse();
    }

    @Test
    void pipelineAutoIsPerformanceWithoutSessionFeatures() throws ConfigException {
        assertThat(files.load().main().pipeline()).isEqualTo(PipelineKind.PERFORMANCE);
        assertThat(files.load("pipeline = auto", "tls = off", "tls_cert_file = /nonexistent").main().pipeline())
                .isEqualTo(PipelineKind.PERFORMANCE);
    }

    @Test
    void pipelineAutoIsSessionForDisconnectClient() throws ConfigException {
        assertThat(files.load("disconnect_client = 60").main().pipeline()).isEqualTo(PipelineKind.SESSION);
    }

    @Test
    void pipelineAutoIsSessionForFailover() throws ConfigException {
        files.writeWithMode("failover.sh", "rwx------", "#!/bin/sh");
        MainConfig main = files.load("failover = on", "failover_script = " + files.dir.resolve("failover.sh"),
                "[replica]", "host = otherhost", "port = 5432").main();
        assertThat(main.pipeline()).isEqualTo(PipelineKind.SESSION);
    }

    @Test
    void pipelineAutoIsSessionForTls() throws ConfigException {
        files.writeWithMode("server.crt", "rw-r--r--", "cert");
        files.writeWithMode("server.key", "rw-------", "key");
        MainConfig main = files.load("tls = on", "tls_cert_file = " + files.dir.resolve("server.crt"),
                "tls_key_file = " + files.dir.resolve("server.key")).main();
        assertThat(main.pipeline()).isEqualTo(PipelineKind.SESSION);
    }

    @Test
    void missingFileIsAnErrorNamingIt() {
        Path conf = files.write("pgagroal.conf", files.conf());
        Path hba = files.dir.resolve("missing_hba.conf");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null)));
        assertThat(e).hasMessage(hba + ": file not found");
        assertThat(e.line()).isZero();
    }

    @Test
    void binaryFileIsAnError() throws IOException {
        Path conf = Files.write(files.dir.resolve("pgagroal.conf"), new byte[] {'[', 0, ']'});
        Path hba = files.write("hba", "host all all all trust");
        assertThatThrownBy(() -> PgagroalConfig.load(new ConfigPaths(conf, hba, null, null, null, null, null)))
                .hasMessage(conf + ": binary file (contains NUL bytes)");
    }

    @Test
    void undefinedEnvironmentVariableIsAnError() {
        assertThatThrownBy(() -> files.load("log_path = $PGAGROAL_TEST_UNDEFINED_VARIABLE/x.log"))
                .hasMessageEndingWith(":5: log_path: environment variable PGAGROAL_TEST_UNDEFINED_VARIABLE is not defined");
    }

    @Test
    void environmentVariablesExpandInPathKeys() throws ConfigException {
        PgagroalConfig config = PgagroalConfig.load(files.paths("log_path = $LOGS/pgagroal.log"), KnownUsers.NONE,
                name -> name.equals("LOGS") ? "/var/log/pool" : null);
        assertThat(config.main().logPath()).isEqualTo("/var/log/pool/pgagroal.log");
    }

    @Test
    void builderRunsTheSameRulesWithPseudoFileNames() throws ConfigException {
        PgagroalConfig config = files.builder().set("max_connections", "50").set("log_line_prefix", "'%H %M'").build();
        assertThat(config.main().maxConnections()).isEqualTo(50);
        assertThat(config.main().logLinePrefix()).isEqualTo("%H %M");
        assertThat(config.paths()).isNull();
        assertThat(config.servers()).hasSize(1);

        assertThatThrownBy(() -> files.builder().set("max_connections", "abc").build())
                .hasMessage("<pgagroal.conf>:5: max_connections: \"abc\" is not an integer");
        assertThatThrownBy(() -> PgagroalConfig.builder().set("host", "x").set("port", "1")
                .set("unix_socket_dir", files.dir.toString()).server("s", "h", 1).build())
                .hasMessage("<pgagroal_hba.conf>: no entries; add at least one, for example: host all all all scram-sha-256");
        assertThatThrownBy(() -> files.builder().hba("host all all all sha1").build())
                .hasMessage("<pgagroal_hba.conf>:2: method: unknown method \"sha1\" (trust, reject, password, md5, scram-sha-256 or all)");
        assertThatThrownBy(() -> files.builder().limit("db user 200").build())
                .hasMessage("<pgagroal_databases.conf>:1: max_size: the lines up to here use 200 connections,"
                        + " more than max_connections (100)");
        assertThat(files.builder().set("unknown_key", "1").build().warnings())
                .containsExactly("<pgagroal.conf>:5: unknown_key: unknown key, ignored");
        assertThatThrownBy(() -> files.builder().set("port", "0\nfoo = 1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderLimitsAndUsers() throws ConfigException {
        PgagroalConfig config = files.builder()
                .limit("mydb=alias app 10 2 2")
                .users(new KnownUsers(Set.of("app"), Set.of(), Set.of(), Set.of()))
                .build();
        assertThat(config.limits().resolveDatabase("app", "alias")).isEqualTo("mydb");
    }
}
