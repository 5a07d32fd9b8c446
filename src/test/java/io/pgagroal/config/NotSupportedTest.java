package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.Pgagroal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A key whose feature does not exist yet loads (its value is still checked) but stops the pool's start. */
class NotSupportedTest {

    private final ConfigFixture files;

    NotSupportedTest(@TempDir Path dir) {
        files = new ConfigFixture(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"metrics = 9187", "metrics_cache_max_age = 10", "metrics_cache_max_size = 64k",
            "metrics_cert_file = /x/cert.pem", "metrics_key_file = /x/key.pem", "metrics_ca_file = /x/ca.pem",
            "failover_script = /x/failover.sh", "tracker = on"})
    void aSetKeyStopsTheStartWithFileLineAndKey(String line) throws ConfigException {
        PgagroalConfig config = files.load("log_level = info", line);
        String key = line.substring(0, line.indexOf(' '));
        assertThatThrownBy(config::requireSupported).isInstanceOf(ConfigException.class)
                .hasMessage(files.dir.resolve("pgagroal.conf") + ":6: " + key + ": not supported yet");
    }

    @Test
    void theDefaultWrittenOutIsAccepted() throws ConfigException {
        PgagroalConfig config = files.load("metrics = 0", "management = 0", "tls = off", "failover = off", "tracker = off",
                "metrics_cache_max_size = 0", "update_process_title = off", "ev_backend = epoll", "hugepage = off");
        assertThatCode(config::requireSupported).doesNotThrowAnyException();
    }

    @Test
    void serverTlsIsSupported() throws ConfigException {
        Path conf = files.write("pgagroal.conf", files.conf("", "[replica]", "host = localhost", "port = 5433", "tls = on"));
        PgagroalConfig config = PgagroalConfig.load(new ConfigPaths(conf, files.write("pgagroal_hba.conf", "host all all all trust"),
                null, null, null, null, null));
        assertThatCode(config::requireSupported).doesNotThrowAnyException();
    }

    @Test
    void valuesOfRefusedKeysAreStillChecked() {
        assertThatThrownBy(() -> files.load("metrics = abc")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics: \"abc\"");
    }

    @Test
    void theEmbeddedPoolRefusesToStart() {
        assertThatThrownBy(() -> Pgagroal.start(files.builder().set("tracker", "on").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<pgagroal.conf>:5: tracker: not supported yet");
    }
}
