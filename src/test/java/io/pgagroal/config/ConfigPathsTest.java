package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPathsTest {

    private static final ConfigPaths NO_FLAGS = new ConfigPaths(null, null, null, null, null, null, null);

    @TempDir
    Path etc;

    @TempDir
    Path dir;

    @BeforeEach
    void defaultFiles() throws IOException {
        Files.createFile(etc.resolve("pgagroal.conf"));
        Files.createFile(etc.resolve("pgagroal_hba.conf"));
    }

    private ConfigPaths resolve(Path directory, ConfigPaths flags, Map<String, String> environment)
            throws ConfigException {
        return ConfigPaths.resolve(directory, flags, environment::get, etc);
    }

    @Test
    void defaultsWithoutOptionalFiles() throws ConfigException {
        ConfigPaths paths = resolve(null, NO_FLAGS, Map.of());
        assertThat(paths).isEqualTo(new ConfigPaths(etc.resolve("pgagroal.conf"), etc.resolve("pgagroal_hba.conf"),
                null, null, null, null, null));
    }

    @Test
    void optionalFilesAreUsedWhenTheyExist() throws IOException, ConfigException {
        Files.createFile(etc.resolve("pgagroal_databases.conf"));
        Files.createFile(etc.resolve("pgagroal_superuser.conf"));
        ConfigPaths paths = resolve(null, NO_FLAGS, Map.of());
        assertThat(paths.limit()).isEqualTo(etc.resolve("pgagroal_databases.conf"));
        assertThat(paths.superuser()).isEqualTo(etc.resolve("pgagroal_superuser.conf"));
        assertThat(paths.users()).isNull();
    }

    @Test
    void directoryIsSearchedFirstPerFile() throws IOException, ConfigException {
        Files.createFile(dir.resolve("pgagroal.conf"));
        Files.createFile(dir.resolve("pgagroal_users.conf"));
        ConfigPaths paths = resolve(dir, NO_FLAGS, Map.of());
        assertThat(paths.config()).isEqualTo(dir.resolve("pgagroal.conf"));
        assertThat(paths.hba()).isEqualTo(etc.resolve("pgagroal_hba.conf"));
        assertThat(paths.users()).isEqualTo(dir.resolve("pgagroal_users.conf"));
    }

    @Test
    void environmentVariableStandsInForTheDirectoryFlag() throws IOException, ConfigException {
        Files.createFile(dir.resolve("pgagroal_hba.conf"));
        ConfigPaths paths = resolve(null, NO_FLAGS, Map.of("PGAGROAL_CONFIG_DIR", dir.toString()));
        assertThat(paths.hba()).isEqualTo(dir.resolve("pgagroal_hba.conf"));
        Path other = Files.createDirectory(dir.resolve("other"));
        assertThat(resolve(other, NO_FLAGS, Map.of("PGAGROAL_CONFIG_DIR", dir.toString())).hba())
                .isEqualTo(etc.resolve("pgagroal_hba.conf"));
    }

    @Test
    void explicitFlagsWin() throws IOException, ConfigException {
        Files.createFile(dir.resolve("pgagroal.conf"));
        Path mine = Files.createFile(etc.resolve("mine.conf"));
        Path limits = Files.createFile(etc.resolve("limits.conf"));
        ConfigPaths paths = resolve(dir, new ConfigPaths(mine, null, limits, null, null, null, null), Map.of());
        assertThat(paths.config()).isEqualTo(mine);
        assertThat(paths.limit()).isEqualTo(limits);
    }

    @Test
    void explicitOptionalFileMustExist() {
        Path missing = etc.resolve("missing_users.conf");
        assertThatThrownBy(() -> resolve(null, new ConfigPaths(null, null, null, missing, null, null, null), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": file not found");
    }

    @Test
    void mainFilesMustExistAndBeRegular() throws IOException {
        Files.delete(etc.resolve("pgagroal_hba.conf"));
        assertThatThrownBy(() -> resolve(null, NO_FLAGS, Map.of()))
                .hasMessage(etc.resolve("pgagroal_hba.conf") + ": file not found");
        assertThatThrownBy(() -> resolve(null, new ConfigPaths(null, dir, null, null, null, null, null), Map.of()))
                .hasMessage(dir + ": not a regular file");
    }

    @Test
    void directoryMustExist() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> resolve(missing, NO_FLAGS, Map.of())).hasMessage(missing + ": not a readable directory");
    }
}
