package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.testing.PostgresServer;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramVerifierTest {

    /** RFC 7677's password "pencil" and salt, with keys computed independently (Python hashlib/hmac). */
    private static final String KEYS =
            "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
    static final String RFC_7677_VERIFIER = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS;
    static final byte[] RFC_7677_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

    private static final AtomicInteger ROLES = new AtomicInteger();
    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start(PostgresServer.AuthMethod.SCRAM);
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Test
    void derivesTheVerifierFromThePassword() {
        ScramVerifier verifier = ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4096);

        assertThat(verifier.toString()).isEqualTo(RFC_7677_VERIFIER);
        assertThat(verifier.iterations()).isEqualTo(4096);
        assertThat(verifier.salt()).isEqualTo(RFC_7677_SALT);
    }

    @Test
    void parsesAndFormatsPostgresqlText() {
        ScramVerifier verifier = ScramVerifier.parse(RFC_7677_VERIFIER);

        assertThat(verifier).isEqualTo(ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4096))
                .hasSameHashCodeAs(ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4096));
        assertThat(ScramVerifier.parse(verifier.toString())).isEqualTo(verifier);
        assertThat(verifier.storedKey()).hasSize(32);
        assertThat(verifier).isNotEqualTo(ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4097))
                .isNotEqualTo(ScramVerifier.fromPassword("pencil2", RFC_7677_SALT, 4096));
    }

    @Test
    void isImmutable() {
        byte[] salt = RFC_7677_SALT.clone();
        ScramVerifier verifier = ScramVerifier.fromPassword("pencil", salt, 4096);
        salt[0]++;
        verifier.serverKey()[0]++;

        assertThat(verifier.toString()).isEqualTo(RFC_7677_VERIFIER);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "",
            "md5a3556571e93b0d20722ba62be61e8c2d",
            "SCRAM-SHA-1$4096:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS,
            "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS,
            "SCRAM-SHA-256$-1:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS,
            "SCRAM-SHA-256$99999999999:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS,
            "SCRAM-SHA-256$4096:" + KEYS,
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ=" + KEYS,
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4q==:"
                    + "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==" + KEYS + " ",
    })
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> ScramVerifier.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SCRAM");
    }

    /** PostgreSQL refuses empty passwords, but a client may send one: it must simply not match. */
    @Test
    void derivesAVerifierForAnEmptyPassword() {
        assertThat(ScramVerifier.fromPassword("", RFC_7677_SALT, 4096)).hasToString("SCRAM-SHA-256$4096:"
                + "W22ZaJ0SNY7soEsUEjb6gQ==$AJ6h8dbzJdqPups1RHMsUwUwWmoe55vzkmldCT32rlY=:"
                + "PaPyzvmMvez2KHVzr2IQl1SyC/VgZCEXKozJyWErWOE=");
    }

    /** PostgreSQL applies SASLprep when it hashes a password; the verifiers must be the same. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "secret",
            "a\u0007b",
            "pass\u00A0w\u00F6rd\u2168",
            "I\u00ADX\u3000\uFB01",
            "\uFF71\uFF9E",
            "\u0007\u00E9",
            "e\u0340",
            "\uFF71\uD83D\uDE00",
            "\u0627\u0031",
            "\u0627\u0031\u0628",
            "\u00AD",
    })
    void equalsTheVerifierPostgresqlStores(String password) {
        String role = "verifier_" + ROLES.incrementAndGet();
        server.createRole(role, password);
        ScramVerifier stored = ScramVerifier.parse(
                server.query("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'"));

        assertThat(ScramVerifier.fromPassword(password, stored.salt(), stored.iterations())).isEqualTo(stored);
    }
}
