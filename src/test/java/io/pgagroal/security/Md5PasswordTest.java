package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.protocol.Protocol;
import io.pgagroal.security.ScramClientTest.Wire;
import io.pgagroal.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Md5PasswordTest {

    /** Password "secret" of user "alice" and salt 01 02 03 04, computed independently with Python's hashlib. */
    private static final String ALICE_HASH = "md54a0a68b43b6cd5cf266fa02f196e2371";
    private static final String ALICE_RESPONSE = "md598a0412b9c31436fc53776e863350083";
    private static final byte[] SALT = {1, 2, 3, 4};

    private static PostgresServer postgres;

    @BeforeAll
    static void startServer() {
        postgres = PostgresServer.start(PostgresServer.AuthMethod.MD5);
    }

    @AfterAll
    static void stopServer() {
        postgres.stop();
    }

    @Test
    void hashesAsPostgresql() {
        assertThat(Md5Password.hash("secret", "alice")).isEqualTo(ALICE_HASH);
        assertThat(Md5Password.response(ALICE_HASH, SALT)).isEqualTo(ALICE_RESPONSE);
        assertThat(Md5Password.responseFromPassword("secret", "alice", SALT)).isEqualTo(ALICE_RESPONSE);
    }

    @Test
    void checksAResponse() {
        assertThat(Md5Password.matches(ALICE_HASH, SALT, ALICE_RESPONSE)).isTrue();
        assertThat(Md5Password.matches(ALICE_HASH, new byte[] {1, 2, 3, 5}, ALICE_RESPONSE)).isFalse();
        assertThat(Md5Password.matches(ALICE_HASH, SALT, ALICE_RESPONSE.toUpperCase())).isFalse();
        assertThat(Md5Password.matches(ALICE_HASH, SALT, "")).isFalse();
    }

    @Test
    void recognizesTheStoredForm() {
        assertThat(Md5Password.isHash(ALICE_HASH)).isTrue();
        assertThat(Md5Password.isHash(ScramVerifierTest.RFC_7677_VERIFIER)).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "secret", "md5", "md54a0a68b43b6cd5cf266fa02f196e237",
            "md54A0A68B43B6CD5CF266FA02F196E2371", "md54a0a68b43b6cd5cf266fa02f196e2371 ",
            "MD54a0a68b43b6cd5cf266fa02f196e2371"})
    void refusesToAnswerWithSomethingElseThanAHash(String stored) {
        assertThat(Md5Password.isHash(stored)).isFalse();
        assertThatThrownBy(() -> Md5Password.response(stored, SALT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsInToPostgresql() throws Exception {
        postgres.createRole("md5_user", "p\u00E4ssword");
        String stored = postgres.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'md5_user'");
        assertThat(stored).isEqualTo(Md5Password.hash("p\u00E4ssword", "md5_user"));

        try (Wire wire = Wire.startup(postgres, "md5_user")) {
            byte[] salt = wire.authentication(Protocol.AUTH_MD5_PASSWORD).data();
            assertThat(salt).hasSize(4);
            wire.passwordMessage(Md5Password.responseFromPassword("p\u00E4ssword", "md5_user", salt));
            wire.authentication(Protocol.AUTH_OK);
        }
        try (Wire wire = Wire.startup(postgres, "md5_user")) {
            wire.passwordMessage(Md5Password.response(stored, wire.authentication(Protocol.AUTH_MD5_PASSWORD).data()));
            wire.authentication(Protocol.AUTH_OK);
        }
    }

    @Test
    void isRefusedByPostgresqlWithAWrongPassword() throws Exception {
        postgres.createRole("md5_wrong", "right");

        try (Wire wire = Wire.startup(postgres, "md5_wrong")) {
            byte[] salt = wire.authentication(Protocol.AUTH_MD5_PASSWORD).data();
            wire.passwordMessage(Md5Password.responseFromPassword("wrong", "md5_wrong", salt));

            assertThat(wire.errorCode()).isEqualTo("28P01");
        }
    }
}
