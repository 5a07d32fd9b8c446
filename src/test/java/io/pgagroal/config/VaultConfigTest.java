package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
