package io.pgagroal.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * PostgreSQL's md5 password scheme. The stored form is {@code "md5" + md5hex(password ‖ user)};
 * in answer to AuthenticationMD5Password the client sends {@code "md5" + md5hex(md5hex(password ‖
 * user) ‖ salt)}, so the stored form is enough to answer or check a challenge. Strings are hashed
 * as UTF-8, as a UTF-8 client sends them.
 */
public final class Md5Password {

    private static final String PREFIX = "md5";
    private static final int STORED_LENGTH = PREFIX.length() + 32;

    private Md5Password() {
    }

    /** The stored form, as in {@code pg_authid.rolpassword}. */
    public static String hash(String password, String user) {
        return PREFIX + md5Hex(utf8(password + user), new byte[0]);
    }

    /**
     * The PasswordMessage answer to a challenge with the 4-byte {@code salt}.
     *
     * @throws IllegalArgumentException when {@code storedHash} is not {@code md5} and 32 hex digits
     */
    public static String response(String storedHash, byte[] salt) {
        if (!isHash(storedHash)) {
            throw new IllegalArgumentException("not an md5 password hash: expected \"md5\" and 32 hex digits");
        }
        return PREFIX + md5Hex(utf8(storedHash.substring(PREFIX.length())), salt);
    }

    public static String responseFromPassword(String password, String user, byte[] salt) {
        return response(hash(password, user), salt);
    }

    /** Whether a client's answer to the challenge with {@code salt} is right; constant time. */
    public static boolean matches(String storedHash, byte[] salt, String clientResponse) {
        return MessageDigest.isEqual(utf8(response(storedHash, salt)), utf8(clientResponse));
    }

    /** Whether {@code text} has the stored form: {@code md5} and 32 lower-case hex digits. */
    public static boolean isHash(String text) {
        return text.length() == STORED_LENGTH && text.startsWith(PREFIX)
                && text.chars().skip(PREFIX.length()).allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static String md5Hex(byte[] data, byte[] salt) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data);
            return HexFormat.of().formatHex(md5.digest(salt));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is missing from this JDK", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
