package io.pgagroal.security;

import java.security.SecureRandom;

/**
 * Random passwords for {@code pgagroal-admin -g}: printable ASCII (33 to 126, and the space), never
 * starting or ending with a space nor holding two spaces in a row, as upstream. Upstream draws them from
 * an unseeded {@code rand()}, so every run hands out the same passwords (spec §14, quirk 17); these come
 * from {@link SecureRandom}.
 */
public final class PasswordGenerator {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordGenerator() {
    }

    public static String generate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a password has at least 1 character, not " + length);
        }
        char[] password = new char[length];
        for (int i = 0; i < length; i++) {
            boolean spaceAllowed = i > 0 && i < length - 1 && password[i - 1] != ' ';
            char first = spaceAllowed ? ' ' : '!';
            password[i] = (char) (first + RANDOM.nextInt('~' - first + 1));
        }
        return new String(password);
    }
}
