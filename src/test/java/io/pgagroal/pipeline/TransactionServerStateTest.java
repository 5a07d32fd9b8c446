package io.pgagroal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A connection's session state is matched against a client's by content; a remembered match never outlives a change. */
class TransactionServerStateTest {

    private final SharedParameters shared = new SharedParameters();
    private final TransactionServerState server = new TransactionServerState(Map.of("TimeZone", "UTC", "DateStyle", "ISO, MDY"));

    @Test
    void everyChangeForgetsTheMatch() {
        Map<String, String> startup = shared.of(Map.of("TimeZone", "UTC", "DateStyle", "ISO, MDY"));
        Map<String, String> paris = shared.of(Map.of("TimeZone", "Europe/Paris", "DateStyle", "ISO, MDY"));
        assertThat(server.hasApplied(startup)).isTrue();
        assertThat(server.hasApplied(paris)).isFalse();

        server.apply("TimeZone", "Europe/Paris");
        assertThat(server.hasApplied(startup)).as("matched before the change").isFalse();
        assertThat(server.hasApplied(paris)).isTrue();

        server.apply("search_path", "app");
        assertThat(server.hasApplied(paris)).isFalse();
        server.apply("search_path", null);
        assertThat(server.hasApplied(paris)).isTrue();

        server.applyOnly(Map.of("TimeZone", "UTC", "DateStyle", "ISO, MDY", "work_mem", "64MB"));
        assertThat(server.hasApplied(paris)).isFalse();
        assertThat(server.hasApplied(startup)).isFalse();

        server.discarded();
        assertThat(server.hasApplied(startup)).isTrue();
        assertThat(server.hasApplied(Map.copyOf(startup))).as("an equal map that is not the shared one").isTrue();
    }

    @Test
    void theAppliedParametersAreChangedOnlyThroughTheState() {
        assertThatThrownBy(() -> server.appliedParameters().put("TimeZone", "Europe/Paris"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
