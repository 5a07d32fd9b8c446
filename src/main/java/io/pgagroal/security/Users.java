package io.pgagroal.security;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The decrypted users of one users-type file, in file order. {@link #toString()} shows names only. */
public final class Users {

    private final Map<String, String> passwords;

    private Users(Map<String, String> passwords) {
        this.passwords = passwords;
    }

    /** The users and passwords of {@code passwords}, in its iteration order. */
    public static Users of(Map<String, String> passwords) {
        return new Users(Collections.unmodifiableMap(new LinkedHashMap<>(passwords)));
    }

    public Optional<String> password(String user) {
        return Optional.ofNullable(passwords.get(user));
    }

    public Set<String> names() {
        return passwords.keySet();
    }

    public int size() {
        return passwords.size();
    }

    @Override
    public String toString() {
        return "Users" + names();
    }
}
