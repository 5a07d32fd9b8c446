package io.pgagroal.management;

import io.pgagroal.security.MasterKey;
import io.pgagroal.security.PasswordCipher;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * The encryption byte of a management frame (spec §8.1), with pgagroal's codes: AES in CBC mode with
 * PKCS#7 padding, key and IV derived from the master key by OpenSSL's {@code EVP_BytesToKey} (SHA-1, no
 * salt, one round; spec §4), the derivation the users files use. So both ends need the same
 * {@code ~/.pgagroal/master.key}, and the same key and IV encrypt every frame.
 */
public enum Encryption {

    NONE(0, null),
    AES_256_CBC(1, PasswordCipher.KeySize.AES_256),
    AES_192_CBC(2, PasswordCipher.KeySize.AES_192),
    AES_128_CBC(3, PasswordCipher.KeySize.AES_128);

    private final int code;
    private final PasswordCipher.KeySize keySize;

    Encryption(int code, PasswordCipher.KeySize keySize) {
        this.code = code;
        this.keySize = keySize;
    }

    /** @throws FrameCodecException for a code pgagroal's management protocol does not define */
    public static Encryption of(int code) {
        for (Encryption encryption : values()) {
            if (encryption.code == code) {
                return encryption;
            }
        }
        throw new FrameCodecException("encryption " + code
                + " is not supported (0 none, 1 aes-256-cbc, 2 aes-192-cbc, 3 aes-128-cbc)");
    }

    public int code() {
        return code;
    }

    /** {@code key} may be null for {@link #NONE}. */
    public byte[] encrypt(byte[] plain, MasterKey key) {
        return this == NONE ? plain : cipher(key).encrypt(plain);
    }

    /** @throws FrameCodecException when the ciphertext is not one of this cipher under this master key */
    public byte[] decrypt(byte[] cipher, MasterKey key) {
        if (this == NONE) {
            return cipher;
        }
        try {
            return cipher(key).decrypt(cipher);
        } catch (GeneralSecurityException e) {
            throw new FrameCodecException(label() + " payload cannot be decrypted: it was encrypted with another "
                    + "master key, or is corrupt (" + e.getMessage() + ")", e);
        }
    }

    private PasswordCipher cipher(MasterKey key) {
        if (key == null) {
            throw new FrameCodecException(label() + " needs the master key (~/.pgagroal/master.key), and none is loaded");
        }
        return new PasswordCipher(key, keySize);
    }

    private String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
