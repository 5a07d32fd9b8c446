package io.pgagroal.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives of RFC 5802 / RFC 7677 shared by {@link ScramServer},
 * {@link ScramClient} and {@link ScramVerifier}, plus the attribute syntax of the SCRAM messages
 * ({@code x=value} separated by commas; a value never contains a comma).
 */
final class Scram {

    static final String MECHANISM = "SCRAM-SHA-256";
    static final String MECHANISM_PLUS = "SCRAM-SHA-256-PLUS";
    static final int KEY_LENGTH = 32;
    static final SecureRandom RANDOM = new SecureRandom();

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);
    private static final int HMAC_BLOCK_SIZE = 64;

    private Scram() {
    }

    /** Hi(SASLprep(password), salt, i), i.e. PBKDF2-HMAC-SHA-256 with one 32-byte block. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        Mac mac = mac(SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        return mac(key).doFinal(message);
    }

    /**
     * HMAC-SHA-256 with {@code key}. An empty key (an empty password) is valid HMAC but refused by
     * SecretKeySpec; RFC 2104 pads keys with zeros to the block size, so it is a block of zeros.
     */
    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[HMAC_BLOCK_SIZE] : key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] result = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            result[i] = (byte) (a[i] ^ b[i]);
        }
        return result;
    }

    /** A nonce: {@code bytes} random bytes in base64, which is printable and has no comma. */
    static String nonce(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return base64(raw);
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    static byte[] fromBase64(String text, String what) throws ScramException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM message: " + what + " is not valid base64");
        }
    }

    /** The value of {@code attribute}, which must be {@code name=value}. */
    static String value(String attribute, char name) throws ScramException {
        if (attribute.length() < 2 || attribute.charAt(0) != name || attribute.charAt(1) != '=') {
            throw new ScramException("malformed SCRAM message: expected attribute \"" + name + "=\" but found \""
                    + attribute + "\"");
        }
        return attribute.substring(2);
    }

    /** Checks that the attributes from {@code from} on are well-formed extensions, which are ignored. */
    static void extensions(String[] attributes, int from) throws ScramException {
        for (int i = from; i < attributes.length; i++) {
            String attribute = attributes[i];
            if (attribute.length() < 2 || !isLetter(attribute.charAt(0)) || attribute.charAt(1) != '=') {
                throw new ScramException("malformed SCRAM message: unexpected \"" + attribute + "\"");
            }
        }
    }

    /** A nonce value: non-empty printable ASCII other than the comma. */
    static String nonceValue(String attribute) throws ScramException {
        String nonce = value(attribute, 'r');
        if (nonce.isEmpty() || !nonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ScramException("malformed SCRAM message: the nonce is empty or has invalid characters");
        }
        return nonce;
    }

    /** Splits a message into its attributes, keeping empty ones so that they are reported. */
    static String[] attributes(String message) {
        return message.split(",", -1);
    }

    /** The value of a positive decimal integer that fits an int, or 0 when {@code text} is not one. */
    static int positiveInt(String text) {
        if (!text.matches("[0-9]{1,10}")) {
            return 0;
        }
        long value = Long.parseLong(text);
        return value <= Integer.MAX_VALUE ? (int) value : 0;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
