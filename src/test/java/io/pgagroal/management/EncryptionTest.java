package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.MasterKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class EncryptionTest {

    private static final MasterKey KEY = MasterKey.of("mymasterkey1");

    /**
     * Written by OpenSSL with pgagroal's derivation (EVP_BytesToKey, SHA-1, no salt, one round), with
     * {@code T} = {@link CompressionTest#PING}:
     * {@code printf %s "$T" | openssl enc -aes-<bits>-cbc -md sha1 -nosalt -pass pass:mymasterkey1 -a -A}.
     */
    @ParameterizedTest
    @CsvSource({
        "AES_256_CBC, n2VFSSeLbg9oVRqlDM1tes/+OCDF8z/lKZFZMBBT2VQNS2sNebcO22Mb2Kuv8a4u2cD6t90Vmi97MJpaeHepMbGjrHnXZlklGLxsmWsJIv3dIjwpKThaZnc3UjE8ZXhei3i+GfL9aoCWsavGvtdRQkKDsm1oLGrmzhSupsslihfMvLXb/OY/xy3/S5rIizTj",
        "AES_192_CBC, WSTW32u5jbYTcN6mszykrSyxt/repyfHZeEhbHnhJV2ONkGMvCk6mcyX+T2qqggGe77/dHkZv+Sk9G3W1kIBCR/rWuef1LyC3Li0jHHGhd4tSiYRo+Ip7KuAv9FdDbtqqEtgS7fxYka/eExq2lIwaRtiu1Y/EYnN7Pvw24NxTeAjJxY7vPCClw1XmAWcXYGT",
        "AES_128_CBC, voKGwsa3apIChsZ4lxQ9eu+J/1spULf2Byd5IadWur5LsGytVgx9scRmJOJAUX5YXO/z9WqeuZR5opDxf4fAhnQQ9UUi4vg9VuhRjt8WJQtDrC0DXzJ+CK6bNMyIht3YEpziWFmCrVIPj0q4rQbLQ7itGie9774CkeJDNg9Q+XWWGwJnjUaQ8RXePE7Jakvx",
    })
    void matchesOpenssl(Encryption encryption, String base64) {
        byte[] plain = CompressionTest.PING.getBytes(StandardCharsets.UTF_8);
        byte[] cipher = Base64.getDecoder().decode(base64);

        assertThat(encryption.encrypt(plain, KEY)).isEqualTo(cipher);
        assertThat(encryption.decrypt(cipher, KEY)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(Encryption.class)
    void roundTripsAndKeepsPgagroalsCodes(Encryption encryption) {
        byte[] plain = "{\"Outcome\":{\"Status\":true}}".getBytes(StandardCharsets.UTF_8);

        assertThat(encryption.decrypt(encryption.encrypt(plain, KEY), KEY)).isEqualTo(plain);
        assertThat(Encryption.of(encryption.code())).isSameAs(encryption);
        assertThat(encryption.code()).isEqualTo(encryption.ordinal());
    }

    @Test
    void noneLeavesTheBytesAloneWithoutAKey() {
        byte[] plain = {1, 2, 3};

        assertThat(Encryption.NONE.encrypt(plain, null)).isEqualTo(plain);
        assertThat(Encryption.NONE.decrypt(plain, null)).isEqualTo(plain);
    }

    @Test
    void wrongKeyIsRefused() {
        byte[] cipher = Encryption.AES_256_CBC.encrypt(CompressionTest.PING.getBytes(StandardCharsets.UTF_8), KEY);

        assertThatThrownBy(() -> Encryption.AES_256_CBC.decrypt(cipher, MasterKey.of("anotherkey2")))
                .isInstanceOf(FrameCodecException.class)
                .hasMessageContaining("aes-256-cbc payload cannot be decrypted: it was encrypted with another master key");
    }

    @Test
    void missingKeyIsRefused() {
        assertThatThrownBy(() -> Encryption.AES_128_CBC.encrypt(new byte[1], null))
                .isInstanceOf(FrameCodecException.class).hasMessageContaining("needs the master key");
    }

    @Test
    void unknownCodeIsRefused() {
        assertThatThrownBy(() -> Encryption.of(4)).isInstanceOf(FrameCodecException.class)
                .hasMessageContaining("encryption 4 is not supported");
    }
}
