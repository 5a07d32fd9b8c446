package io.pgagroal.security;

import io.pgagroal.config.AuthMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What the pooler knows of a user's password, and so which client authentication methods it can
 * run itself: the password (users vault, frontend users), which allows every method; or only the
 * hash PostgreSQL stores (auth_query): an MD5 hash allows password and md5, a SCRAM verifier allows
 * password and scram-sha-256.
 *
 * @param password the password, or null
 * @param md5Hash PostgreSQL's "md5..." hash, or null
 * @param verifier a SCRAM-SHA-256 verifier, or null
 */
public record UserSecret(String user, String password, String md5Hash, ScramVerifier verifier) {

    /** A known password; its SCRAM verifier is computed once, with a random salt. */
    public static UserSecret ofPassword(String user, String password, ScramVerifier verifier) {
        return new UserSecret(user, password, null, verifier);
    }

    /**
     * The password column of pg_shadow as auth_query returns it.
     *
     * @throws IllegalArgumentException when it is neither an MD5 hash nor a SCRAM-SHA-256 verifier
     */
    public static UserSecret ofShadow(String user, String shadow) {
        if (Md5Password.isHash(shadow)) {
            return new UserSecret(user, null, shadow, null);
        }
        if (shadow.startsWith("SCRAM-SHA-256$")) {
            return new UserSecret(user, null, null, ScramVerifier.parse(shadow));
        }
        throw new IllegalArgumentException("the password of \"" + user + "\" is stored in a form pgagroal cannot use");
    }

    public boolean supports(AuthMethod method) {
        return switch (method) {
            case TRUST, REJECT -> true;
            case PASSWORD -> true;
            case MD5 -> password != null || md5Hash != null;
            case SCRAM_SHA_256 -> verifier != null;
            case ALL -> false;
        };
    }

    /** Checks a cleartext password (AuthenticationCleartextPassword) against whatever is known. */
    public boolean matchesCleartext(String candidate) {
        if (password != null) {
            return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
        }
        if (md5Hash != null) {
            return MessageDigest.isEqual(md5Hash.getBytes(StandardCharsets.US_ASCII),
                    Md5Password.hash(candidate, user).getBytes(StandardCharsets.US_ASCII));
        }
        ScramVerifier computed = ScramVerifier.fromPassword(candidate, verifier.salt(), verifier.iterations());
        return MessageDigest.isEqual(computed.storedKey(), verifier.storedKey());
    }

    /** Checks an MD5 response to AuthenticationMD5Password with this salt. */
    public boolean matchesMd5(byte[] salt, String response) {
        String hash = md5Hash != null ? md5Hash : Md5Password.hash(password, user);
        return Md5Password.matches(hash, salt, response);
    }

    @Override
    public String toString() {
        return "UserSecret[" + user + "]";
    }
}
