package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.config.KnownUsers;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.PipelineKind;
import io.pgagroal.testing.Ports;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The warm-up of each pipeline against the stand-in server: its clients fail at the first error
 * the pooler or the stand-in gives them, so a count of transactions means every one of them got
 * an answer of the right shape. No PostgreSQL is needed, nor touched: the configuration's server
 * is a port nobody listens on.
 */
class WarmupTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PipelineKind.class)
    void runsThePipelineUntilTheLimit(PipelineKind pipeline) throws Exception {
        long started = System.nanoTime();
        long transactions = Warmup.run(configuration(pipeline, "2"));
        assertThat(transactions).isGreaterThan(100);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms, for a limit of 2 s").isBetween(1_900L, 6_000L);
    }

    @Test
    void zeroTurnsItOff() throws Exception {
        long started = System.nanoTime();
        assertThat(Warmup.run(configuration(PipelineKind.SESSION, "0"))).isZero();
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms").isLessThan(500);
    }

    private PgagroalConfig configuration(PipelineKind pipeline, String warmup) throws Exception {
        PgagroalConfig.Builder builder = PgagroalConfig.builder()
                .set("host", "127.0.0.1")
                .set("port", Integer.toString(Ports.free()))
                .set("unix_socket_dir", dir.toString())
                .set("pipeline", pipeline.name().toLowerCase(Locale.ROOT))
                .set("warmup", warmup)
                .server("primary", "127.0.0.1", Ports.free())
                .hba("host all all all trust");
        if (pipeline == PipelineKind.TRANSACTION) {
            builder.set("allow_unknown_users", "off").limit("app app 2 1 1")
                    .users(new KnownUsers(Set.of("app"), Set.of(), Set.of(), Set.of()));
        }
        return builder.build();
    }
}
