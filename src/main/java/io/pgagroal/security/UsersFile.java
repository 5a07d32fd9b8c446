package io.pgagroal.security;

import io.pgagroal.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A users-type file (spec §3.3): pgagroal_users.conf, pgagroal_frontend_users.conf,
 * pgagroal_admins.conf, pgagroal_superuser.conf, pgagroal_vault_users.conf. Each user is a line
 * {@code name:base64(AES(password))} split at its first colon (see {@link PasswordCipher}); blank lines
 * and lines starting with {@code #} or {@code ;} are ignored. There is no limit on the number of users or
 * the length of a line (upstream stops at 64 users and, in pgagroal-admin, at 128-byte lines).
 *
 * <p>An instance is the file as read, edited in memory: {@link #add}, {@link #update} and {@link #remove}
 * keep every other line as it was, and {@link #write} replaces the file atomically with mode 0600.
 * Names can be listed and users removed without the master key.
 */
public final class UsersFile {

    /** One line of the file; {@code user} is null for blank and comment lines. */
    private record Line(String text, String user, String encrypted) {
    }

    private final Path path;
    private final List<Line> lines;

    private UsersFile(Path path, List<Line> lines) {
        this.path = path;
        this.lines = lines;
    }

    /** Reads and decrypts a users file, as the pool does at startup and reload. */
    public static Users read(Path path, MasterKey key) throws ConfigException {
        return open(path).decrypt(key);
    }

    /** Reads a file that must exist, checking its lines (but not decrypting them). */
    public static UsersFile open(Path path) throws ConfigException {
        if (!Files.exists(path)) {
            throw new ConfigException(path.toString(), 0, null, "file not found");
        }
        return openOrNew(path);
    }

    /** Like {@link #open}, but a missing file is an empty one, created by {@link #write}. */
    public static UsersFile openOrNew(Path path) throws ConfigException {
        List<String> texts;
        try {
            texts = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            texts = List.of();
        } catch (CharacterCodingException e) {
            throw new ConfigException(path.toString(), 0, null, "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(path.toString(), 0, null, "cannot read: " + e.getMessage());
        }
        UsersFile file = new UsersFile(path, new ArrayList<>(texts.size()));
        Map<String, Integer> firstLines = new HashMap<>();
        for (String text : texts) {
            file.lines.add(file.parse(text, file.lines.size() + 1, firstLines));
        }
        return file;
    }

    /** The users, in file order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Line line : lines) {
            if (line.user() != null) {
                names.add(line.user());
            }
        }
        return names;
    }

    /** Decrypts every password; a line that does not decrypt to UTF-8 text is reported with its number. */
    public Users decrypt(MasterKey key) throws ConfigException {
        PasswordCipher cipher = new PasswordCipher(key);
        Map<String, String> passwords = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (line.user() != null) {
                passwords.put(line.user(), decrypt(cipher, line, i + 1));
            }
        }
        return Users.of(passwords);
    }

    public void requireAbsent(String user) throws ConfigException {
        int index = indexOf(user);
        if (index >= 0) {
            throw new ConfigException(path.toString(), index + 1, user, "the user already exists");
        }
    }

    public void requirePresent(String user) throws ConfigException {
        if (indexOf(user) < 0) {
            throw new ConfigException(path.toString(), 0, user, "no such user");
        }
    }

    /**
     * Appends a user. The passwords already in the file must decrypt with {@code key}, so that a file
     * never mixes two master keys.
     */
    public void add(String user, String password, MasterKey key) throws ConfigException {
        requireAbsent(user);
        decrypt(key);
        lines.add(entry(user, password, key));
    }

    /** Replaces the password of a user, on its line. */
    public void update(String user, String password, MasterKey key) throws ConfigException {
        requirePresent(user);
        decrypt(key);
        lines.set(indexOf(user), entry(user, password, key));
    }

    public void remove(String user) throws ConfigException {
        requirePresent(user);
        lines.remove(indexOf(user));
    }

    /** Replaces the file on disk with this content, atomically, with mode 0600. */
    public void write() throws IOException {
        StringBuilder content = new StringBuilder();
        for (Line line : lines) {
            content.append(line.text()).append('\n');
        }
        VaultFiles.write(path, content.toString().getBytes(StandardCharsets.UTF_8), true);
    }

    private Line parse(String text, int number, Map<String, Integer> firstLines) throws ConfigException {
        String content = text.strip();
        if (content.isEmpty() || content.startsWith("#") || content.startsWith(";")) {
            return new Line(text, null, null);
        }
        int colon = content.indexOf(':');
        if (colon < 0) {
            throw new ConfigException(path.toString(), number, null, "expected user:encrypted-password");
        }
        if (colon == 0) {
            throw new ConfigException(path.toString(), number, null, "empty user name");
        }
        String user = content.substring(0, colon);
        Integer first = firstLines.putIfAbsent(user, number);
        if (first != null) {
            throw new ConfigException(path.toString(), number, user, "duplicate user (first on line " + first + ")");
        }
        return new Line(text, user, content.substring(colon + 1).strip());
    }

    private String decrypt(PasswordCipher cipher, Line line, int number) throws ConfigException {
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(line.encrypted());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path.toString(), number, line.user(), "cannot decrypt: not base64");
        }
        byte[] plaintext;
        try {
            plaintext = cipher.decrypt(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(path.toString(), number, line.user(), "cannot decrypt: wrong master key?");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(plaintext)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(path.toString(), number, line.user(),
                    "the decrypted password is not UTF-8 text: wrong master key?");
        }
    }

    private Line entry(String user, String password, MasterKey key) {
        if (user.isEmpty() || !user.strip().equals(user) || user.startsWith("#") || user.startsWith(";")
                || user.contains(":") || user.contains("\n") || user.contains("\r")) {
            throw new IllegalArgumentException("invalid user name \"" + user + "\": it must not be empty, contain ':' "
                    + "or a line break, start with '#' or ';', or start or end with white space");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password of " + user + " is empty");
        }
        String encrypted = Base64.getEncoder().encodeToString(
                new PasswordCipher(key).encrypt(password.getBytes(StandardCharsets.UTF_8)));
        return new Line(user + ":" + encrypted, user, encrypted);
    }

    private int indexOf(String user) {
        for (int i = 0; i < lines.size(); i++) {
            if (user.equals(lines.get(i).user())) {
                return i;
            }
        }
        return -1;
    }
}
