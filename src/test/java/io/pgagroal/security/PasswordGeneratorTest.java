package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasswordGeneratorTest {

    @Test
    void printableAsciiWithoutEdgeOrDoubleSpaces() {
        Set<Character> seen = new HashSet<>();
        for (int length = 1; length <= 80; length++) {
            for (int i = 0; i < 100; i++) {
                String password = PasswordGenerator.generate(length);
                assertThat(password).hasSize(length)
                        .doesNotStartWith(" ")
                        .doesNotEndWith(" ")
                        .doesNotContain("  ")
                        .matches("[ -~]+");
                password.chars().forEach(c -> seen.add((char) c));
            }
        }
        assertThat(seen).hasSize(95);
    }

    @Test
    void everyRunDiffers() {
        Set<String> passwords = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            passwords.add(PasswordGenerator.generate(16));
        }
        assertThat(passwords).hasSize(1000);
    }

    @Test
    void lengthMustBePositive() {
        assertThatThrownBy(() -> PasswordGenerator.generate(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
