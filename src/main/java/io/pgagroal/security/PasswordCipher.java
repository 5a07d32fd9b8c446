package io.pgagroal.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CBC with PKCS#7 padding, keyed from the master key the way pgagroal does it (spec §4): key and IV
 * come from OpenSSL's legacy {@code EVP_BytesToKey} with SHA-1, no salt and one round. So every entry of
 * every users file is encrypted with the same key and IV, and
 * {@code openssl enc -aes-256-cbc -md sha1 -nosalt -pass pass:<master key>} reads and writes the same bytes.
 * The 192- and 128-bit ciphers, derived the same way, encrypt management payloads (spec §8.1).
 *
 * <p>Instances are immutable and thread-safe; each call uses its own {@link Cipher}.
 */
public final class PasswordCipher {

    /** The AES variants of the management protocol, by key length. */
    public enum KeySize {
        AES_256(32),
        AES_192(24),
        AES_128(16);

        private final int bytes;

        KeySize(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final int IV_BYTES = 16;

    private final SecretKeySpec key;
    private final IvParameterSpec iv;

    /** The AES-256 cipher of the users files. */
    public PasswordCipher(MasterKey masterKey) {
        this(masterKey, KeySize.AES_256);
    }

    public PasswordCipher(MasterKey masterKey, KeySize size) {
        byte[] material = bytesToKey(masterKey.bytes(), size.bytes + IV_BYTES);
        key = new SecretKeySpec(material, 0, size.bytes, "AES");
        iv = new IvParameterSpec(material, size.bytes, IV_BYTES);
    }

    public byte[] encrypt(byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC/PKCS5Padding cannot encrypt", e);
        }
    }

    /**
     * @throws GeneralSecurityException when the ciphertext is not a whole number of blocks or its padding
     *                                  is wrong, which almost always means another master key encrypted it
     */
    public byte[] decrypt(byte[] ciphertext) throws GeneralSecurityException {
        return cipher(Cipher.DECRYPT_MODE).doFinal(ciphertext);
    }

    private Cipher cipher(int mode) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(mode, key, iv);
        return cipher;
    }

    /**
     * OpenSSL's {@code EVP_BytesToKey(cipher, EVP_sha1(), NULL, password, length, 1, key, iv)}:
     * {@code D1 = SHA1(password)}, {@code Di = SHA1(Di-1 || password)}, concatenated until {@code length}
     * bytes (key then IV) are there.
     */
    static byte[] bytesToKey(byte[] password, int length) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        byte[] material = new byte[0];
        byte[] block = new byte[0];
        while (material.length < length) {
            sha1.update(block);
            block = sha1.digest(password);
            material = Arrays.copyOf(material, material.length + block.length);
            System.arraycopy(block, 0, material, material.length - block.length, block.length);
        }
        return Arrays.copyOf(material, length);
    }
}
