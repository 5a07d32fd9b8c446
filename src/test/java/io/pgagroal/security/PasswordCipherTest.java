package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.PasswordCipher.KeySize;
import io.pgagroal.testing.Command;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PasswordCipherTest {

    private static final MasterKey KEY = MasterKey.of("mymasterkey1");
    private static final String PASSWORD = "a longer password: 1234567890 with ünïcödé and spaces, past one block";

    @Test
    void keyAndIvOfTheSpecVector() {
        byte[] material = PasswordCipher.bytesToKey("mymasterkey1".getBytes(StandardCharsets.US_ASCII), 48);
        assertThat(HexFormat.of().formatHex(material, 0, 32))
                .isEqualTo("ca5c6b490d3796a45ec27764febc6d4e5dc8636d0707e8d6e1bfa276b09f3b99");
        assertThat(HexFormat.of().formatHex(material, 32, 48)).isEqualTo("02350c331921cfa0de513330c5219068");
    }

    @Test
    void specVector() throws GeneralSecurityException {
        PasswordCipher cipher = new PasswordCipher(KEY);
        byte[] encrypted = cipher.encrypt("secretpw".getBytes(StandardCharsets.UTF_8));
        assertThat(Base64.getEncoder().encodeToString(encrypted)).isEqualTo("pYxp0piHGEp+c884e2h75Q==");
        assertThat(cipher.decrypt(encrypted)).asString(StandardCharsets.UTF_8).isEqualTo("secretpw");
    }

    @Test
    void anotherKeyDoesNotDecrypt() {
        byte[] encrypted = Base64.getDecoder().decode("pYxp0piHGEp+c884e2h75Q==");
        assertThatThrownBy(() -> new PasswordCipher(MasterKey.of("another-master-key")).decrypt(encrypted))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @ParameterizedTest
    @EnumSource(KeySize.class)
    void opensslEncryptsWhatWeDecrypt(KeySize size) throws GeneralSecurityException {
        String line = openssl(size, false, PASSWORD);
        byte[] decrypted = new PasswordCipher(KEY, size).decrypt(Base64.getDecoder().decode(line.strip()));
        assertThat(decrypted).asString(StandardCharsets.UTF_8).isEqualTo(PASSWORD);
    }

    @ParameterizedTest
    @EnumSource(KeySize.class)
    void opensslDecryptsWhatWeEncrypt(KeySize size) {
        byte[] encrypted = new PasswordCipher(KEY, size).encrypt(PASSWORD.getBytes(StandardCharsets.UTF_8));
        String line = Base64.getEncoder().encodeToString(encrypted);
        assertThat(openssl(size, true, line + "\n")).isEqualTo(PASSWORD);
        assertThat(openssl(size, false, PASSWORD).strip()).isEqualTo(line);
    }

    @Test
    void theShellCommandOfTheSpecWritesTheVector() {
        assertThat(openssl(KeySize.AES_256, false, "secretpw").strip()).isEqualTo("pYxp0piHGEp+c884e2h75Q==");
    }

    /** {@code openssl enc [-d] -aes-N-cbc -md sha1 -nosalt -pass pass:mymasterkey1 -a -A} on {@code input}. */
    private static String openssl(KeySize size, boolean decrypt, String input) {
        String cipher = "-" + size.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-cbc";
        return Command.of("openssl", "enc", decrypt ? "-d" : "-e", cipher, "-md", "sha1", "-nosalt",
                        "-pass", "pass:mymasterkey1", "-a", "-A")
                .stdin(input)
                .run(Duration.ofSeconds(30))
                .orThrow()
                .stdout();
    }
}
