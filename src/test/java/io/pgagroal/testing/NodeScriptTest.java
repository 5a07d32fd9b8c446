package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeScriptTest {

    private static final Endpoint TARGET = new Endpoint("127.0.0.1", 6432, "app", "s3cret", "appdb");

    private static NodeScript harness(String exit) {
        return NodeScript.of("harness.mjs").endpoint("TARGET", TARGET).args(exit, "a b", "c");
    }

    @Test
    void passesArgumentsAndEndpointAndReportsWhatTheScriptPrinted() {
        JsonNode report = harness("0").report(Duration.ofSeconds(30));
        assertThat(report.get("args")).hasSize(2);
        assertThat(report.at("/args/0").asText()).isEqualTo("a b");
        assertThat(report.at("/args/1").asText()).isEqualTo("c");
        assertThat(report.at("/endpoint/host").asText()).isEqualTo("127.0.0.1");
        assertThat(report.at("/endpoint/port").asInt()).isEqualTo(6432);
        assertThat(report.at("/endpoint/user").asText()).isEqualTo("app");
        assertThat(report.at("/endpoint/password").asText()).isEqualTo("s3cret");
        assertThat(report.at("/endpoint/database").asText()).isEqualTo("appdb");
    }

    @Test
    void aFailingScriptIsReportedWithItsExitCodeAndOutput() {
        ProcessResult result = harness("3").run(Duration.ofSeconds(30));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("to stderr");
        assertThatThrownBy(() -> harness("3").report(Duration.ofSeconds(30)))
                .hasMessageContaining("exited with 3").hasMessageContaining("to stderr");
    }

    @Test
    void aScriptPastItsTimeoutIsKilled() {
        long start = System.nanoTime();
        ProcessResult result = harness("hang").run(Duration.ofSeconds(1));
        assertThat(result.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}
