package io.pgagroal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.TransactionPinning;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clients that want the same parameters share one map, and a change by one never reaches another. */
class SharedParametersTest {

    private final SharedParameters shared = new SharedParameters();

    @Test
    void equalMapsAreOneUnmodifiableInstance() {
        Map<String, String> first = new LinkedHashMap<>(Map.of("DateStyle", "ISO, MDY", "TimeZone", "UTC"));
        Map<String, String> a = shared.of(first);
        Map<String, String> b = shared.of(new HashMap<>(Map.of("TimeZone", "UTC", "DateStyle", "ISO, MDY")));

        assertThat(b).isSameAs(a).isEqualTo(first);
        first.put("TimeZone", "Europe/Paris");
        assertThat(a).as("a copy, not the caller's map").containsEntry("TimeZone", "UTC");
        assertThatThrownBy(() -> a.put("TimeZone", "Europe/Paris")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aClientsChangeTakesAnotherMap() {
        TransactionPipeline pipeline = new TransactionPipeline(10, false, TransactionPinning.PIN);
        TransactionState one = pipeline.newState(null, Map.of("search_path", "app"));
        TransactionState other = pipeline.newState(null, Map.of("search_path", "app"));
        assertThat(one.desiredParameters()).isSameAs(other.desiredParameters());

        one.desire("search_path", "tenant_1");

        assertThat(one.desiredParameters()).containsEntry("search_path", "tenant_1");
        assertThat(other.desiredParameters()).containsEntry("search_path", "app");
        other.desire("search_path", "tenant_1");
        assertThat(other.desiredParameters()).isSameAs(one.desiredParameters());
    }

    @Test
    void pastTheLimitMapsAreNoLongerKept() {
        for (int i = 0; i < SharedParameters.LIMIT; i++) {
            shared.of(Map.of("application_name", "client " + i));
        }
        Map<String, String> extra = shared.of(Map.of("application_name", "one more"));

        assertThat(shared.size()).isEqualTo(SharedParameters.LIMIT);
        assertThat(shared.of(Map.of("application_name", "one more"))).isNotSameAs(extra).isEqualTo(extra);
        assertThat(shared.of(Map.of("application_name", "client 7"))).isSameAs(shared.of(Map.of("application_name", "client 7")));
    }

    @Test
    void largeMapsAreHeldByTheirClientsOnly() {
        String atTheLimit = "v".repeat(SharedParameters.MAX_SHARED_CHARACTERS - "myapp.x".length());
        Map<String, String> kept = shared.of(Map.of("myapp.x", atTheLimit));
        Map<String, String> large = shared.of(Map.of("myapp.x", atTheLimit + "v"));

        assertThat(shared.of(Map.of("myapp.x", atTheLimit))).isSameAs(kept);
        assertThat(shared.of(Map.of("myapp.x", atTheLimit + "v"))).isNotSameAs(large).isEqualTo(large);
        assertThat(shared.size()).isEqualTo(1);
    }
}
