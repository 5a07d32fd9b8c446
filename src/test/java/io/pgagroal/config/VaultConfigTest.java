package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pgagroal_vault.conf: its two sections, required keys, refused and unknown keys. */
class VaultConfigTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("pgagroal_vault.conf"), text);
    }

    @Test
    void readsBothSectionsWhateverTheOtherIsCalled() throws Exception {
        VaultConfig config = VaultConfig.load(write("""
                [pgagroal-vault]
                host = *
                port = 2500
                colour = blue

                [pooler]
                host = db.example.com
                port = 2347
                user = vault
                """));
        assertThat(config.host()).isEqualTo("*");
        assertThat(config.port()).isEqualTo(2500);
        assertThat(config.pgagroalHost()).isEqualTo("db.example.com");
        assertThat(config.pgagroalPort()).isEqualTo(2347);
        assertThat(config.user()).isEqualTo("vault");
        assertThat(config.warnings()).containsExactly(dir.resolve("pgagroal_vault.conf") + ":4: colour: unknown key, ignored");
    }

    @Test
    void defaultsWrittenOutAreAccepted() throws Exception {
        VaultConfig config = VaultConfig.load(write("""
                [pgagroal-vault]
                host = localhost
                port = 2500
                tls = off
                metrics = 0
                log_level = info
                log_type = console

                [main]
                host = localhost
                port = 2347
                user = vault
                """));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void missingPiecesAreNamed() throws IOException {
        Path file = dir.resolve("pgagroal_vault.conf");
        assertThatThrownBy(() -> VaultConfig.load(write("[main]\nhost = a\nport = 1\nuser = u\n")))
                .hasMessage(file + ": no [pgagroal-vault] section");
        assertThatThrownBy(() -> VaultConfig.load(write("[pgagroal-vault]\nhost = a\nport = 1\n")))
                .hasMessageContaining("no section naming the pgagroal to ask");
        assertThatThrownBy(() -> VaultConfig.load(write("[pgagroal-vault]\nhost = a\nport = 1\n[main]\nhost = b\nport = 2\n")))
                .hasMessage(file + ":4: user: [main] needs user");
        assertThatThrownBy(() -> VaultConfig.load(write("[pgagroal-vault]\nhost = a\nport = 70000\n[main]\nhost = b\nport = 2\nuser = u\n")))
                .hasMessage(file + ":3: port: \"70000\" is not a port (1 to 65535)");
        assertThatThrownBy(() -> VaultConfig.load(write("[pgagroal-vault]\nhost = a\nport = 1\nlog_level = debug\n[main]\nhost = b\nport = 2\nuser = u\n")))
                .hasMessage(file + ":4: log_level: not supported yet");
    }

    private Path vault(String tlsKeys) throws IOException {
        return write("[pgagroal-vault]\nhost = a\nport = 1\n" + tlsKeys + "[main]\nhost = b\nport = 2\nuser = u\n");
    }

    @Test
    void evBackendIsReadWithItsLine() throws Exception {
        Path file = dir.resolve("pgagroal_vault.conf");
        VaultConfig config = VaultConfig.load(vault("ev_backend = io_uring\n"));
        assertThat(config.evBackend()).isEqualTo(new EventBackendSetting(EventBackend.IO_URING, file.toString(), 4));
        assertThat(config.evBackend().error("cannot run here")).hasMessage(file + ":4: ev_backend: cannot run here");
        assertThat(config.warnings()).isEmpty();
        assertThat(VaultConfig.load(vault("")).evBackend().value()).isEqualTo(EventBackend.AUTO);
        assertThatThrownBy(() -> VaultConfig.load(vault("ev_backend = select\n")))
                .hasMessage(file + ":4: ev_backend: \"select\" is not one of auto, io_uring, epoll, kqueue");
    }

    @Test
    void httpsKeysAreReadAndChecked() throws Exception {
        Path cert = Files.writeString(dir.resolve("vault.crt"), "certificate");
        Path key = Files.writeString(dir.resolve("vault.key"), "key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String files = "tls_cert_file = " + cert + "\ntls_key_file = " + key + "\n";
        Path file = dir.resolve("pgagroal_vault.conf");

        VaultConfig on = VaultConfig.load(vault("tls = on\n" + files + "tls_ca_file = " + cert + "\ntls_cert_auth_mode = verify-full\n"));
        assertThat(on.tls()).contains(new VaultConfig.Tls(cert.toString(), key.toString(), cert.toString(), true, 5, 6));
        assertThat(VaultConfig.load(vault("tls = on\n" + files)).tls().orElseThrow().verifyFull()).isFalse();

        VaultConfig off = VaultConfig.load(vault("tls = off\n" + files));
        assertThat(off.tls()).isEmpty();
        assertThat(off.warnings()).containsExactly(file + ":5: tls_cert_file: not used while tls = off",
                file + ":6: tls_key_file: not used while tls = off");

        assertThatThrownBy(() -> VaultConfig.load(vault("tls = maybe\n"))).hasMessage(file + ":4: tls: \"maybe\" is not a boolean (on/off, yes/no, true/false, 1/0)");
        assertThatThrownBy(() -> VaultConfig.load(vault("tls = on\ntls_cert_file = " + cert + "\n")))
                .hasMessage(file + ":4: tls: tls = on needs tls_key_file");
        assertThatThrownBy(() -> VaultConfig.load(vault("tls = on\n" + files + "tls_cert_auth_mode = verify-full\n")))
                .hasMessageStartingWith(file + ":7: tls_cert_auth_mode: verify-full needs tls_ca_file");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> VaultConfig.load(vault("tls = on\n" + files)))
                .hasMessage(file + ":6: tls_key_file: \"" + key + "\": readable by others; use mode 0600");
    }
}
