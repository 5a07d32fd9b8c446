package io.pgagroal.config;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks on the files that settings name (spec §2.2 and §13.3). They run when the configuration is
 * loaded, so a wrong path or a readable private key is reported with its line instead of surfacing
 * later as a failed handshake or failover. Each check reports the problem with
 * {@link IllegalArgumentException}; {@link #check} turns it into a {@link ConfigException} for a setting.
 */
final class FileChecks {

    private static final String USER = System.getProperty("user.name");
    private static final Set<PosixFilePermission> ROOT_KEY = EnumSet.of(OWNER_READ, OWNER_WRITE, GROUP_READ);
    private static final Set<PosixFilePermission> USER_KEY = EnumSet.of(OWNER_READ, OWNER_WRITE);

    private FileChecks() {
    }

    static void check(SectionValues section, Setting setting, Consumer<String> check) throws ConfigException {
        String path = (String) section.get(setting);
        try {
            check.accept(path);
        } catch (IllegalArgumentException e) {
            throw section.error(setting, '"' + path + "\": " + e.getMessage());
        }
    }

    /**
     * The TLS files of one section: certificate and key go together; the certificate and CA must be
     * owned by root or by us; the key must not be readable by others (0600, or 0640 when owned by root).
     */
    static void tlsFiles(SectionValues section, Setting cert, Setting key, Setting ca) throws ConfigException {
        if (section.get(cert) == null != (section.get(key) == null)) {
            Setting missing = section.get(cert) == null ? cert : key;
            Setting present = missing == cert ? key : cert;
            throw section.error(present, "needs " + missing.key() + " as well");
        }
        for (Setting setting : new Setting[] {cert, key, ca}) {
            if (section.get(setting) != null) {
                check(section, setting, setting == key ? FileChecks::privateKey : FileChecks::certificate);
            }
        }
    }

    static void directory(String path) {
        if (!Files.isDirectory(Path.of(path))) {
            throw new IllegalArgumentException("not an existing directory");
        }
    }

    static void certificate(String path) {
        PosixFileAttributes attributes = regularFile(path);
        String owner = attributes.owner().getName();
        if (!owner.equals(USER) && !owner.equals("root")) {
            throw new IllegalArgumentException("owned by " + owner + ", must be owned by " + USER + " or root");
        }
    }

    static void privateKey(String path) {
        PosixFileAttributes attributes = regularFile(path);
        String owner = attributes.owner().getName();
        Set<PosixFilePermission> allowed = owner.equals(USER) ? USER_KEY : owner.equals("root") ? ROOT_KEY : null;
        if (allowed == null) {
            throw new IllegalArgumentException("owned by " + owner + ", must be owned by " + USER + " or root");
        }
        if (!allowed.containsAll(attributes.permissions())) {
            throw new IllegalArgumentException("readable by others; use mode "
                    + (allowed == USER_KEY ? "0600" : "0640 (owned by root)"));
        }
    }

    /** The failover script: a regular file we own and may read and execute. */
    static void executable(String path) {
        PosixFileAttributes attributes = regularFile(path);
        if (!attributes.owner().getName().equals(USER)) {
            throw new IllegalArgumentException("owned by " + attributes.owner().getName() + ", must be owned by " + USER);
        }
        if (!attributes.permissions().containsAll(EnumSet.of(OWNER_READ, OWNER_EXECUTE))) {
            throw new IllegalArgumentException("must be readable and executable by its owner");
        }
    }

    private static PosixFileAttributes regularFile(String path) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(Path.of(path), PosixFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new IllegalArgumentException("not a regular file");
            }
            return attributes;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("file not found");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read: " + e);
        }
    }
}
