package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @TempDir
    Path home;

    private Path directory() {
        return home.resolve(".pgagroal");
    }

    private Path file() {
        return directory().resolve("master.key");
    }

    /** A key file as an administrator may have written it by hand. */
    private void writeKey(String content, String directoryMode, String fileMode) throws IOException {
        Files.createDirectories(directory());
        Files.writeString(file(), content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(directory(), PosixFilePermissions.fromString(directoryMode));
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString(fileMode));
    }

    @Test
    void createWritesBase64WithoutNewlineInPrivateFiles() throws Exception {
        MasterKey created = MasterKey.create(home, "mymasterkey1", false);
        assertThat(Files.readString(file())).isEqualTo("bXltYXN0ZXJrZXkx");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        assertThat(MasterKey.load(home).bytes()).isEqualTo(created.bytes()).asString().isEqualTo("mymasterkey1");
    }

    @Test
    void loadToleratesATrailingNewlineAndStopsAtNul() throws Exception {
        writeKey("bXltYXN0ZXJrZXkx\n", "rwx------", "rw-------");
        assertThat(MasterKey.load(home).bytes()).asString().isEqualTo("mymasterkey1");
        writeKey("bXltYXN0ZXJrZXkxAGdhcmJhZ2U=", "rwx------", "rw-------");
        assertThat(MasterKey.load(home).bytes()).asString().isEqualTo("mymasterkey1");
    }

    @Test
    void directoryOpenToOthersIsRefused() throws Exception {
        writeKey("bXltYXN0ZXJrZXkx", "rwxr-xr-x", "rw-------");
        assertThatThrownBy(() -> MasterKey.load(home))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(directory() + ": ")
                .hasMessageContaining("mode 0755")
                .hasMessageContaining("must be 0700");
    }

    @Test
    void fileReadableByOthersIsRefused() throws Exception {
        writeKey("bXltYXN0ZXJrZXkx", "rwx------", "rw-r--r--");
        assertThatThrownBy(() -> MasterKey.load(home))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file() + ": ")
                .hasMessageContaining("mode 0644")
                .hasMessageContaining("must be 0600");
    }

    @Test
    void fileMustBeARegularFile() throws Exception {
        Files.createDirectories(file());
        Files.setPosixFilePermissions(directory(), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> MasterKey.load(home)).hasMessage(file() + ": not a regular file");
    }

    @Test
    void missingKeySaysHowToCreateIt() {
        assertThatThrownBy(() -> MasterKey.load(home))
                .isInstanceOf(ConfigException.class)
                .hasMessage(directory() + ": not found; create the master key with pgagroal-admin master-key");
    }

    @Test
    void contentMustBeBase64() throws Exception {
        writeKey("not base64!", "rwx------", "rw-------");
        assertThatThrownBy(() -> MasterKey.load(home)).hasMessageStartingWith(file() + ":1: not a base64-encoded master key");
        writeKey("", "rwx------", "rw-------");
        assertThatThrownBy(() -> MasterKey.load(home)).hasMessage(file() + ":1: the master key is empty");
    }

    @Test
    void createReplacesAnExistingKeyOnlyWhenAsked() throws Exception {
        MasterKey.create(home, "mymasterkey1", false);
        assertThatThrownBy(() -> MasterKey.create(home, "anotherkey2", false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file() + ": already exists");
        assertThat(MasterKey.load(home).bytes()).asString().isEqualTo("mymasterkey1");

        MasterKey.create(home, "anotherkey2", true);
        assertThat(MasterKey.load(home).bytes()).asString().isEqualTo("anotherkey2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        try (var files = Files.list(directory())) {
            assertThat(files).containsExactly(file());
        }
    }

    @Test
    void createRefusesADirectoryOpenToOthers() throws Exception {
        Files.createDirectory(directory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        assertThatThrownBy(() -> MasterKey.create(home, "mymasterkey1", false)).hasMessageContaining("mode 0750");
        assertThat(file()).doesNotExist();
    }

    @Test
    void newKeysHave8To256Characters() throws Exception {
        assertThatThrownBy(() -> MasterKey.create(home, "seven77", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a master key has 8 to 256 characters, not 7");
        assertThatThrownBy(() -> MasterKey.requireValid("k".repeat(257))).hasMessageContaining("not 257");
        MasterKey.requireValid("ü".repeat(256));
        assertThat(file()).doesNotExist();
    }

    @Test
    void homeCanBeReplacedByAProperty() {
        String previous = System.getProperty(MasterKey.HOME_PROPERTY);
        System.setProperty(MasterKey.HOME_PROPERTY, home.toString());
        try {
            assertThat(MasterKey.defaultHome()).isEqualTo(home);
        } finally {
            if (previous == null) {
                System.clearProperty(MasterKey.HOME_PROPERTY);
            } else {
                System.setProperty(MasterKey.HOME_PROPERTY, previous);
            }
        }
    }

    @Test
    void toStringHidesTheKey() {
        assertThat(MasterKey.of("mymasterkey1").toString()).doesNotContain("mymasterkey1");
    }
}
