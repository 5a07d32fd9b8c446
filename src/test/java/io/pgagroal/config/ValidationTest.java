package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-key checks at the end of spec §2.2, each failing on its own. */
class ValidationTest {

    private static final KnownUsers APP_USER = new KnownUsers(Set.of("app"), Set.of(), Set.of(), Set.of());

    private final ConfigFixture files;

    ValidationTest(@TempDir Path dir) {
        files = new ConfigFixture(dir);
    }

    private PgagroalConfig.Builder transaction() {
        return files.builder()
                .set("pipeline", "transaction")
                .set("allow_unknown_users", "off")
                .set("blocking_timeout", "0")
                .limit("mydb app 10 2 2")
                .users(APP_USER);
    }

    private String script(String mode) {
        return files.writeWithMode("failover.sh", mode, "#!/bin/sh", "exit 0").toString();
    }

    @Test
    void unixSocketDirMustBeAnExistingDirectory() {
        assertThatThrownBy(() -> PgagroalConfig.builder().set("host", "h").set("port", "1")
                .set("unix_socket_dir", "/nonexistent/dir").server("s", "h", 2).hba("host all all all trust").build())
                .hasMessage("<pgagroal.conf>:4: unix_socket_dir: \"/nonexistent/dir\": not an existing directory");
    }

    @Test
    void listenPortsMustDiffer() {
        assertThatThrownBy(() -> files.builder().set("metrics", "2345").build())
                .hasMessage("<pgagroal.conf>:5: metrics: same port as port (2345)");
        assertThatThrownBy(() -> files.builder().set("metrics", "9000").set("management", "9000").build())
                .hasMessage("<pgagroal.conf>:6: management: same port as metrics (9000)");
    }

    @Test
    void failoverNeedsAnExecutableScriptAndTwoServers() {
        assertThatThrownBy(() -> files.builder().set("failover", "on").server("b", "otherhost", 5432).build())
                .hasMessage("<pgagroal.conf>:5: failover: on needs failover_script");
        assertThatThrownBy(() -> files.builder().set("failover", "on").set("failover_script", "/no/script")
                .server("b", "otherhost", 5432).build())
                .hasMessage("<pgagroal.conf>:6: failover_script: \"/no/script\": file not found");
        String notExecutable = script("rw-------");
        assertThatThrownBy(() -> files.builder().set("failover", "on").set("failover_script", notExecutable)
                .server("b", "otherhost", 5432).build())
                .hasMessage("<pgagroal.conf>:6: failover_script: \"" + notExecutable
                        + "\": must be readable and executable by its owner");
        String executable = script("rwx------");
        assertThatThrownBy(() -> files.builder().set("failover", "on").set("failover_script", executable).build())
                .hasMessage("<pgagroal.conf>:5: failover: on needs at least 2 servers, found 1");
    }

    @Test
    void performancePipelineRefusesSessionFeatures() {
        assertThatThrownBy(() -> files.builder().set("pipeline", "performance").set("disconnect_client", "10").build())
                .hasMessage("<pgagroal.conf>:5: pipeline: performance does not support disconnect_client;"
                        + " use the session pipeline");
        String executable = script("rwx------");
        assertThatThrownBy(() -> files.builder().set("pipeline", "performance").set("failover", "on")
                .set("failover_script", executable).server("b", "otherhost", 5432).build())
                .hasMessageContaining("pipeline: performance does not support failover");
    }

    @Test
    void tlsNeedsCertificateAndPrivateKey() {
        assertThatThrownBy(() -> files.builder().set("tls", "on").build())
                .hasMessage("<pgagroal.conf>:5: tls: on needs tls_cert_file and tls_key_file");
        String cert = files.writeWithMode("server.crt", "rw-r--r--", "cert").toString();
        String openKey = files.writeWithMode("open.key", "rw-r--r--", "key").toString();
        assertThatThrownBy(() -> files.builder().set("tls", "on").set("tls_cert_file", cert)
                .set("tls_key_file", openKey).build())
                .hasMessage("<pgagroal.conf>:7: tls_key_file: \"" + openKey + "\": readable by others; use mode 0600");
        String key = files.writeWithMode("server.key", "rw-------", "key").toString();
        assertThatThrownBy(() -> files.builder().set("tls", "on").set("tls_cert_file", files.dir + "/missing.crt")
                .set("tls_key_file", key).build())
                .hasMessage("<pgagroal.conf>:6: tls_cert_file: \"" + files.dir + "/missing.crt\": file not found");
        assertThatThrownBy(() -> files.builder().set("tls", "on").set("tls_cert_file", cert)
                .set("tls_key_file", key).set("pipeline", "performance").build())
                .hasMessage("<pgagroal.conf>:8: pipeline: performance does not support tls; use the session pipeline");
    }

    @Test
    void metricsTlsNeedsBothFiles() {
        String cert = files.writeWithMode("metrics.crt", "rw-r--r--", "cert").toString();
        assertThatThrownBy(() -> files.builder().set("metrics", "9187").set("metrics_cert_file", cert).build())
                .hasMessage("<pgagroal.conf>:6: metrics_cert_file: needs metrics_key_file as well");
    }

    @Test
    void serverTlsFilesAreChecked() {
        files.writeWithMode("client.crt", "rw-r--r--", "cert");
        assertThatThrownBy(() -> files.load("[replica]", "host = db2", "port = 5432", "tls = on",
                "tls_cert_file = " + files.dir.resolve("client.crt")))
                .hasMessageEndingWith(":9: tls_cert_file: needs tls_key_file as well");
    }

    @Test
    void transactionPipelineWithItsRequirements() throws ConfigException {
        PgagroalConfig config = transaction().build();
        assertThat(config.main().pipeline()).isEqualTo(PipelineKind.TRANSACTION);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void transactionPipelineWarnsAboutTimersThatHurtIt() throws ConfigException {
        PgagroalConfig config = transaction().set("blocking_timeout", "30").set("idle_timeout", "1m")
                .set("validation", "foreground").build();
        assertThat(config.warnings()).as("a builder's later set() replaces the value silently").containsExactly(
                "<pgagroal.conf>:7: blocking_timeout: 30 is not recommended with the transaction pipeline",
                "<pgagroal.conf>:8: idle_timeout: 1m is not recommended with the transaction pipeline",
                "<pgagroal.conf>:9: validation: foreground is not recommended with the transaction pipeline");
    }

    @Test
    void transactionPipelineNeedsUsersAndNoUnknownUsers() {
        assertThatThrownBy(() -> files.builder().set("pipeline", "transaction").set("allow_unknown_users", "off").build())
                .hasMessage("<pgagroal.conf>:5: pipeline: transaction needs a users file (pgagroal_users.conf) or auth_query");
        assertThatThrownBy(() -> files.builder().set("pipeline", "transaction").limit("mydb app 10 2 2")
                .users(APP_USER).build())
                .hasMessage("<pgagroal.conf>:5: pipeline: transaction needs allow_unknown_users = off");
    }

    @Test
    void transactionPipelineNeedsLimitsWithPrefill() {
        assertThatThrownBy(() -> files.builder().set("pipeline", "transaction").set("allow_unknown_users", "off")
                .users(APP_USER).build())
                .hasMessage("<pgagroal.conf>:5: pipeline: transaction needs a databases file (pgagroal_databases.conf)");
        assertThatThrownBy(() -> transaction().limit("other app 5").build())
                .hasMessage("<pgagroal_databases.conf>:2: initial_size: must be greater than 0 for the transaction pipeline");
    }

    @Test
    void transactionPipelineRefusesDisconnectClientAndAcceptsServerTls() throws ConfigException {
        assertThatThrownBy(() -> transaction().set("disconnect_client", "5").build())
                .hasMessage("<pgagroal.conf>:5: pipeline: transaction does not support disconnect_client;"
                        + " use the session pipeline");
        Path conf = files.write("pgagroal.conf", files.conf("pipeline = transaction", "allow_unknown_users = off",
                "[replica]", "host = db2", "port = 5432", "tls = on"));
        Path hba = files.write("hba", "host all all all trust");
        Path limits = files.write("limits", "mydb app 10 2 2");
        PgagroalConfig config = PgagroalConfig.load(new ConfigPaths(conf, hba, limits, null, null, null, null), APP_USER);
        assertThat(config.main().pipeline()).isEqualTo(PipelineKind.TRANSACTION);
        assertThat(config.servers().get(0).tlsMode()).isEqualTo(ServerTlsMode.REQUIRE);
    }

    @Test
    void authQueryNeedsASuperuserAndNoUsersOrLimits() throws ConfigException {
        KnownUsers superuser = new KnownUsers(Set.of(), Set.of(), Set.of(), Set.of("postgres"));
        assertThatThrownBy(() -> files.builder().set("auth_query", "on").build())
                .hasMessage("<pgagroal.conf>:5: auth_query: needs a superuser (pgagroal_superuser.conf)");
        assertThatThrownBy(() -> files.builder().set("auth_query", "on")
                .users(new KnownUsers(Set.of("app"), Set.of(), Set.of(), Set.of("postgres"))).build())
                .hasMessage("<pgagroal.conf>:5: auth_query: cannot be combined with a users file (pgagroal_users.conf)");
        assertThatThrownBy(() -> files.builder().set("auth_query", "on").users(superuser).limit("db all 5").build())
                .hasMessage("<pgagroal.conf>:5: auth_query: cannot be combined with a databases file"
                        + " (<pgagroal_databases.conf>)");
        PgagroalConfig config = files.builder().set("auth_query", "on").set("allow_unknown_users", "off")
                .users(superuser).build();
        assertThat(config.main().allowUnknownUsers()).isTrue();
        assertThat(config.warnings()).containsExactly("<pgagroal.conf>:6: allow_unknown_users: off is ignored:"
                + " with auth_query every user is looked up in PostgreSQL");
    }

    @Test
    void passwordRotationNeedsUsers() throws ConfigException {
        assertThatThrownBy(() -> files.builder().set("rotate_frontend_password_timeout", "1h").build())
                .hasMessage("<pgagroal.conf>:5: rotate_frontend_password_timeout: needs users or frontend users"
                        + " to rotate passwords for");
        KnownUsers frontend = new KnownUsers(Set.of("app"), Set.of("app"), Set.of(), Set.of());
        PgagroalConfig config = files.builder().set("rotate_frontend_password_timeout", "1h").users(frontend).build();
        assertThat(config.warnings()).containsExactly("<pgagroal.conf>:1: allow_unknown_users: on lets users"
                + " without a frontend password in; set it off with frontend users");
    }

    @Test
    void managementWithoutAdminsWarns() throws ConfigException {
        assertThat(files.builder().set("management", "2346").build().warnings()).containsExactly(
                "<pgagroal.conf>:5: management: no admins (pgagroal_admins.conf): every remote management login will fail");
        KnownUsers admin = new KnownUsers(Set.of(), Set.of(), Set.of("admin"), Set.of());
        assertThat(files.builder().set("management", "2346").users(admin).build().warnings()).isEmpty();
    }

    @Test
    void hostsslWithoutTlsWarns() throws ConfigException {
        assertThat(files.builder().hba("hostssl all all all md5").build().warnings())
                .containsExactly("<pgagroal_hba.conf>:2: type: hostssl never matches while tls is off");
    }
}
