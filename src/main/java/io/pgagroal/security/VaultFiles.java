package io.pgagroal.security;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file rules shared by the master key and the users files. A secret lives in a file only its owner
 * may open, and is replaced by writing a temporary file next to it and renaming it over the old one,
 * so a reader (the pool reloading, a second pgagroal-admin) sees the old file or the new one, never half of one.
 */
final class VaultFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private VaultFiles() {
    }

    static boolean ownerOnly(Set<PosixFilePermission> permissions) {
        return OWNER_ONLY.containsAll(permissions);
    }

    /** The permissions as an octal mode, such as {@code 0644}. */
    static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal();
        }
        return String.format("%04o", mode);
    }

    /**
     * Writes {@code content} to {@code target} with mode 0600. With {@code replace} an existing file is
     * replaced atomically and keeps its owner and group (pgagroal-admin run as root on the pool's file);
     * without it an existing file is left alone and {@link java.nio.file.FileAlreadyExistsException} thrown.
     */
    static void write(Path target, byte[] content, boolean replace) throws IOException {
        Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (replace) {
                keepOwner(target, temporary);
                Files.move(temporary, target, ATOMIC_MOVE);
            } else {
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void keepOwner(Path original, Path replacement) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(original, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(replacement, PosixFileAttributeView.class);
        PosixFileAttributes created = view.readAttributes();
        if (!created.owner().equals(attributes.owner())) {
            view.setOwner(attributes.owner());
        }
        if (!created.group().equals(attributes.group())) {
            view.setGroup(attributes.group());
        }
    }
}
