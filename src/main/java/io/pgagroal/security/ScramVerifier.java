package io.pgagroal.security;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-256 verifier as PostgreSQL stores it in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, base64 throughout. It lets a
 * server check a client's proof without knowing the password. The arrays are copied in and out, so
 * a verifier is immutable; equality compares their contents.
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    private static final Pattern FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$([0-9]+):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    public ScramVerifier {
        if (iterations < 1) {
            throw new IllegalArgumentException("the iteration count of a SCRAM verifier must be positive");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("the salt of a SCRAM verifier is empty");
        }
        if (storedKey.length != Scram.KEY_LENGTH || serverKey.length != Scram.KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "the StoredKey and ServerKey of a SCRAM verifier must be " + Scram.KEY_LENGTH + " bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Parses PostgreSQL's text form.
     *
     * @throws IllegalArgumentException saying what is wrong; the text itself is not repeated, as it
     *                                  may be a password stored by mistake
     */
    public static ScramVerifier parse(String text) {
        var matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "not a SCRAM-SHA-256 verifier: expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations = Scram.positiveInt(matcher.group(1));
        if (iterations == 0) {
            throw new IllegalArgumentException("the iteration count of a SCRAM verifier must be a positive int");
        }
        return new ScramVerifier(iterations, decode(matcher.group(2), "salt"),
                decode(matcher.group(3), "StoredKey"), decode(matcher.group(4), "ServerKey"));
    }

    /** The verifier PostgreSQL would store for {@code password} (after {@link SaslPrep}) with this salt and count. */
    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        byte[] saltedPassword = Scram.saltedPassword(password, salt, iterations);
        return new ScramVerifier(iterations, salt, Scram.sha256(Scram.clientKey(saltedPassword)),
                Scram.serverKey(saltedPassword));
    }

    private static byte[] decode(String base64, String what) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " of a SCRAM verifier is not valid base64");
        }
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramVerifier that && iterations == that.iterations && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey) && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * iterations + Arrays.hashCode(salt)) + Arrays.hashCode(storedKey))
                + Arrays.hashCode(serverKey);
    }

    /** PostgreSQL's text form, accepted by {@code ALTER ROLE ... PASSWORD '<verifier>'}. */
    @Override
    public String toString() {
        return Scram.MECHANISM + "$" + iterations + ":" + Scram.base64(salt) + "$" + Scram.base64(storedKey) + ":"
                + Scram.base64(serverKey);
    }
}
