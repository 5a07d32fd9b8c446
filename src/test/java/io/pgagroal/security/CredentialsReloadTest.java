package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rotated frontend passwords across a reload of the users files. */
class CredentialsReloadTest {

    @Test
    void rotatedPasswordsSurviveAndNewUsersGetOneAtOnce() {
        Credentials running = new Credentials(Map.of("kept", "k", "gone", "g"), Map.of(), null, null);
        running.rotateFrontendPasswords(12);
        String kept = running.frontendPassword("kept").orElseThrow();
        Credentials reloaded = new Credentials(Map.of("kept", "k", "added", "a"), Map.of(), null, null);

        reloaded.keepRotated(running, 12);

        assertThat(reloaded.frontendPassword("kept")).contains(kept);
        assertThat(reloaded.frontendPassword("added")).hasValueSatisfying(p -> assertThat(p).hasSize(12).isNotEqualTo("a"));
        assertThat(reloaded.frontendPassword("gone")).isEmpty();
    }

    @Test
    void withoutRotationNothingIsGenerated() {
        Credentials running = new Credentials(Map.of("user", "u"), Map.of(), null, null);
        Credentials reloaded = new Credentials(Map.of("user", "u", "added", "a"), Map.of(), null, null);

        reloaded.keepRotated(running, 12);

        assertThat(reloaded.frontendPassword("added")).isEmpty();
        assertThat(reloaded.clientSecret("added")).hasValueSatisfying(s -> assertThat(s.password()).isEqualTo("a"));
    }
}
