package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** worker_threads: 0 or absent means automatic, a count up to 1024 is taken, anything else stops the start; restart only. */
class WorkerThreadsTest {

    private final ConfigFixture files;

    WorkerThreadsTest(@TempDir Path dir) {
        files = new ConfigFixture(dir);
    }

    @Test
    void absentMeansAutomatic() throws ConfigException {
        assertThat(files.load().main().workerThreads()).isZero();
        assertThat(files.load("worker_threads = 0").main().workerThreads()).isZero();
    }

    @Test
    void aCountIsTaken() throws ConfigException {
        assertThat(files.load("worker_threads = 1").main().workerThreads()).isEqualTo(1);
        assertThat(files.load("worker_threads = 1024").main().workerThreads()).isEqualTo(1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1025", "100000"})
    void aNegativeOrAbsurdCountIsRefusedWithFileLineAndKey(String value) {
        assertThatThrownBy(() -> files.load("worker_threads = " + value)).isInstanceOf(ConfigException.class)
                .hasMessage(files.dir.resolve("pgagroal.conf") + ":5: worker_threads: \"" + value
                        + "\" is out of range (must be between 0 and 1024)");
    }

    @Test
    void aWordIsRefused() {
        assertThatThrownBy(() -> files.load("worker_threads = auto")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(files.dir.resolve("pgagroal.conf") + ":5: worker_threads: \"auto\"");
    }

    @Test
    void aChangeWaitsForARestart() throws ConfigException {
        PgagroalConfig running = files.builder().build();
        ConfigReload reload = ConfigReload.of(running, files.builder().set("worker_threads", "3").build(), KnownUsers.NONE);
        assertThat(reload.restartRequired()).containsExactly("worker_threads");
        assertThat(reload.config().main().workerThreads()).as("the running value is kept").isZero();
    }
}
