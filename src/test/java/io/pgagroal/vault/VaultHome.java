package io.pgagroal.vault;

import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import io.pgagroal.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an in-process pgagroal-vault of a test class runs with: a home with a master key, made the
 * JVM's home for pgagroal (the vault reads its master key from there) until {@link #restore()}, a
 * vault users file giving the admin's password, and vault.conf files pointing at a pooler's
 * management port.
 */
final class VaultHome {

    static final String ADMIN = "vault-admin";
    static final String ADMIN_PASSWORD = "vault-admin-secret";

    private final Path dir;
    private final Path users;
    private final String previousHome;

    private VaultHome(Path dir, Path users, String previousHome) {
        this.dir = dir;
        this.users = users;
        this.previousHome = previousHome;
    }

    /** A master key in {@code home} (made by the caller, a directory), and the users file in {@code dir}. */
    static VaultHome create(Path dir, Path home) throws Exception {
        String previousHome = System.getProperty(MasterKey.HOME_PROPERTY);
        MasterKey key = MasterKey.create(home, "a-master-key-for-the-vault", false);
        System.setProperty(MasterKey.HOME_PROPERTY, home.toString());
        Path users = dir.resolve("pgagroal_vault_users.conf");
        UsersFile file = UsersFile.openOrNew(users);
        file.add(ADMIN, ADMIN_PASSWORD, key);
        file.write();
        return new VaultHome(dir, users, previousHome);
    }

    Path users() {
        return users;
    }

    /** A vault.conf named {@code name} listening on a free port, for pgagroal's management port, with {@code extra} lines. */
    Path conf(String name, int pgagroalPort, String extra) throws IOException {
        return Files.writeString(dir.resolve(name), confText(Ports.free(), extra, pgagroalPort, ADMIN));
    }

    /** A vault.conf's text: the vault on {@code port} with {@code extra} lines, asking pgagroal's management port as {@code admin}. */
    static String confText(int port, String extra, int pgagroalPort, String admin) {
        return """
                [pgagroal-vault]
                host = 127.0.0.1
                port = %d
                %s

                [main]
                host = 127.0.0.1
                port = %d
                user = %s
                """.formatted(port, extra, pgagroalPort, admin);
    }

    /** Gives the JVM back the home it had before {@link #create}. */
    void restore() {
        if (previousHome == null) {
            System.clearProperty(MasterKey.HOME_PROPERTY);
        } else {
            System.setProperty(MasterKey.HOME_PROPERTY, previousHome);
        }
    }
}
