package io.pgagroal.security;

import io.pgagroal.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;

/**
 * The secret every users file is encrypted with (spec §3.4). It is stored base64-encoded in
 * {@code ~/.pgagroal/master.key} of the account that runs pgagroal; the directory and the file must be
 * private to that account (0700 and 0600), since whoever reads the key can decrypt every password.
 *
 * <p>The home directory is the one Java reads from the password database ({@code user.home}), not
 * {@code $HOME}; the system property {@value #HOME_PROPERTY} replaces it, for tests and for pools
 * whose account has no usable home directory.
 */
public final class MasterKey {

    public static final String HOME_PROPERTY = "pgagroal.home";

    private static final int MIN_CHARACTERS = 8;
    private static final int MAX_CHARACTERS = 256;

    private final byte[] key;

    private MasterKey(byte[] key) {
        this.key = key;
    }

    /** A master key held in memory: the text that master.key holds base64-encoded. */
    public static MasterKey of(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the master key is empty");
        }
        return new MasterKey(key.getBytes(StandardCharsets.UTF_8));
    }

    public static Path defaultHome() {
        return Path.of(System.getProperty(HOME_PROPERTY, System.getProperty("user.home")));
    }

    /** {@code <home>/.pgagroal/master.key}. */
    public static Path file(Path home) {
        return home.resolve(".pgagroal").resolve("master.key");
    }

    /** Loads the key of {@link #defaultHome()}. */
    public static MasterKey load() throws ConfigException {
        return load(defaultHome());
    }

    /**
     * Loads {@code <home>/.pgagroal/master.key} after checking that neither it nor its directory is open
     * to group or others. The first line is the key in base64; a trailing newline is allowed, and like
     * upstream the key ends at its first NUL byte.
     */
    public static MasterKey load(Path home) throws ConfigException {
        Path file = file(home);
        requirePrivate(file.getParent(), true);
        requirePrivate(file, false);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, null, "cannot read: " + e.getMessage());
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(content.lines().findFirst().orElse("").strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.toString(), 1, null, "not a base64-encoded master key: " + e.getMessage());
        }
        int end = 0;
        while (end < decoded.length && decoded[end] != 0) {
            end++;
        }
        if (end == 0) {
            throw new ConfigException(file.toString(), 1, null, "the master key is empty");
        }
        return new MasterKey(Arrays.copyOf(decoded, end));
    }

    /** Rejects a new master key that is not 8 to 256 characters long. */
    public static void requireValid(String key) {
        int characters = key.codePointCount(0, key.length());
        if (characters < MIN_CHARACTERS || characters > MAX_CHARACTERS) {
            throw new IllegalArgumentException("a master key has " + MIN_CHARACTERS + " to " + MAX_CHARACTERS
                    + " characters, not " + characters);
        }
    }

    /**
     * Checks that {@link #create} can write a key under {@code home}: {@code ~/.pgagroal} is absent or
     * private, and master.key is absent unless {@code replace}.
     */
    public static void requireCreatable(Path home, boolean replace) throws ConfigException {
        Path file = file(home);
        if (Files.exists(file.getParent())) {
            requirePrivate(file.getParent(), true);
        }
        if (!replace && Files.exists(file)) {
            throw alreadyExists(file);
        }
    }

    /**
     * Writes a new master key to {@code <home>/.pgagroal/master.key}, creating the directory with mode 0700
     * and the file with 0600. An existing key is replaced only when {@code replace} is set: users files
     * encrypted with the old key can no longer be read and must be written again.
     */
    public static MasterKey create(Path home, String key, boolean replace) throws ConfigException, IOException {
        requireValid(key);
        requireCreatable(home, replace);
        Path file = file(home);
        if (!Files.exists(file.getParent())) {
            Files.createDirectory(file.getParent(), PosixFilePermissions.asFileAttribute(VaultFiles.OWNER_ONLY));
        }
        MasterKey masterKey = of(key);
        byte[] content = Base64.getEncoder().encode(masterKey.key);
        try {
            VaultFiles.write(file, content, replace);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(file);
        }
        return masterKey;
    }

    /** The key bytes, not copied: only the cipher reads them. */
    byte[] bytes() {
        return key;
    }

    @Override
    public String toString() {
        return "MasterKey[****]";
    }

    private static ConfigException alreadyExists(Path file) {
        return new ConfigException(file.toString(), 0, null,
                "already exists; replacing it (pgagroal-admin master-key --force) makes the users files "
                        + "encrypted with it unreadable");
    }

    private static void requirePrivate(Path path, boolean directory) throws ConfigException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException(path.toString(), 0, null, "not found; create the master key with pgagroal-admin master-key");
        } catch (IOException e) {
            throw new ConfigException(path.toString(), 0, null, "cannot read: " + e.getMessage());
        }
        if (directory ? !attributes.isDirectory() : !attributes.isRegularFile()) {
            throw new ConfigException(path.toString(), 0, null, directory ? "not a directory" : "not a regular file");
        }
        if (!VaultFiles.ownerOnly(attributes.permissions())) {
            String wanted = directory ? "0700" : "0600";
            throw new ConfigException(path.toString(), 0, null, "mode " + VaultFiles.mode(attributes.permissions())
                    + " lets group or others in; it must be " + wanted + " (chmod " + wanted.substring(1) + " " + path + ")");
        }
    }
}
