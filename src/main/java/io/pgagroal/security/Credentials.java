package io.pgagroal.security;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.KnownUsers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The passwords the pooler knows at run time: the users vault (what it uses to log in to
 * PostgreSQL), the frontend users (what clients must present instead, when defined), rotated
 * frontend passwords, and the superuser that runs auth_query. A client is checked against its
 * frontend password if it has one, else against its vault password. SCRAM verifiers are derived
 * once per password (random salt, 4096 iterations, as PostgreSQL does by default).
 */
public final class Credentials {

    public static final Credentials NONE = new Credentials(Map.of(), Map.of(), null, null);

    private static final int SCRAM_ITERATIONS = 4096;
    private static final int SALT_BYTES = 16;

    private final Map<String, String> users;
    private final Map<String, String> frontendUsers;
    private final Map<String, String> admins;
    private final String superuser;
    private final String superuserPassword;
    private final Map<String, String> rotated = new ConcurrentHashMap<>();
    private final Map<String, UserSecret> secrets = new ConcurrentHashMap<>();
    private final Map<String, ScramVerifier> adminVerifiers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param users the users vault: user name to PostgreSQL password
     * @param frontendUsers user name to the password clients present
     * @param superuser the auth_query user, or null
     */
    public Credentials(Map<String, String> users, Map<String, String> frontendUsers, String superuser, String superuserPassword) {
        this(users, frontendUsers, Map.of(), superuser, superuserPassword);
    }

    private Credentials(Map<String, String> users, Map<String, String> frontendUsers, Map<String, String> admins, String superuser,
            String superuserPassword) {
        this.users = Map.copyOf(users);
        this.frontendUsers = Map.copyOf(frontendUsers);
        this.admins = Map.copyOf(admins);
        this.superuser = superuser;
        this.superuserPassword = superuserPassword;
    }

    /**
     * Reads the users-type files of {@code paths} (-u, -F, -A, -S), decrypting them with the master
     * key, which is only needed when at least one of them is present.
     *
     * @throws ConfigException naming the file: no master key, a line that does not decrypt, more than
     *     one superuser, a frontend user missing from the users file
     */
    public static Credentials load(ConfigPaths paths) throws ConfigException {
        List<Path> files = Stream.of(paths.users(), paths.frontendUsers(), paths.admins(), paths.superuser())
                .filter(Objects::nonNull).toList();
        if (files.isEmpty()) {
            return NONE;
        }
        MasterKey key = MasterKey.load();
        Map<String, String> users = passwords(paths.users(), key);
        Map<String, String> frontendUsers = passwords(paths.frontendUsers(), key);
        for (String user : frontendUsers.keySet()) {
            if (!users.containsKey(user)) {
                throw new ConfigException(paths.frontendUsers().toString(), 0, null,
                        "frontend user \"" + user + "\" is not in the users file");
            }
        }
        Map<String, String> superusers = passwords(paths.superuser(), key);
        if (superusers.size() > 1) {
            throw new ConfigException(paths.superuser().toString(), 0, null, "holds " + superusers.size() + " users; the superuser file holds one");
        }
        Map.Entry<String, String> superuser = superusers.entrySet().stream().findFirst().orElse(null);
        return new Credentials(users, frontendUsers, passwords(paths.admins(), key),
                superuser == null ? null : superuser.getKey(), superuser == null ? null : superuser.getValue());
    }

    private static Map<String, String> passwords(Path file, MasterKey key) throws ConfigException {
        if (file == null) {
            return Map.of();
        }
        Users read = UsersFile.read(file, key);
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String name : read.names()) {
            passwords.put(name, read.password(name).orElseThrow());
        }
        return passwords;
    }

    /** The names config validation needs (limits with prefill, transaction pipeline, auth_query). */
    public KnownUsers knownUsers() {
        return new KnownUsers(users.keySet(), frontendUsers.keySet(), admins.keySet(), superuser == null ? Set.of() : Set.of(superuser));
    }

    /** The password the pooler logs in to PostgreSQL with, if the user is in the vault. */
    public Optional<String> backendPassword(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /** What a client of this user must prove, if the pooler knows it. */
    public Optional<UserSecret> clientSecret(String user) {
        String password = rotated.getOrDefault(user, frontendUsers.getOrDefault(user, users.get(user)));
        if (password == null) {
            return Optional.empty();
        }
        UserSecret secret = secrets.get(user);
        if (secret == null || !password.equals(secret.password())) {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            secret = UserSecret.ofPassword(user, password, ScramVerifier.fromPassword(password, salt, SCRAM_ITERATIONS));
            secrets.put(user, secret);
        }
        return Optional.of(secret);
    }

    /** These passwords with {@code admins} (user name to password) as the remote-management accounts (-A). */
    public Credentials withAdmins(Map<String, String> admins) {
        return new Credentials(users, frontendUsers, admins, superuser, superuserPassword);
    }

    /**
     * The SCRAM verifier a remote-management login of this admin is checked against, if it is one;
     * derived once per admin, like {@link #clientSecret}.
     */
    public Optional<ScramVerifier> adminVerifier(String admin) {
        String password = admins.get(admin);
        if (password == null) {
            return Optional.empty();
        }
        return Optional.of(adminVerifiers.computeIfAbsent(admin, name -> {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            return ScramVerifier.fromPassword(password, salt, SCRAM_ITERATIONS);
        }));
    }

    public Optional<String> superuser() {
        return Optional.ofNullable(superuser);
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    public boolean hasFrontendUsers() {
        return !frontendUsers.isEmpty();
    }

    /** Gives every vault user a new random frontend password (rotate_frontend_password_timeout). */
    public void rotateFrontendPasswords(int length) {
        for (String user : users.keySet()) {
            rotated.put(user, PasswordGenerator.generate(length));
        }
    }

    /**
     * A reload: when {@code previous} rotates frontend passwords, each user of this vault keeps its
     * rotated password, and a user new to the vault gets one of {@code length} at once.
     */
    public void keepRotated(Credentials previous, int length) {
        if (previous.rotated.isEmpty()) {
            return;
        }
        for (String user : users.keySet()) {
            String password = previous.rotated.get(user);
            rotated.put(user, password != null ? password : PasswordGenerator.generate(length));
        }
    }

    /** The frontend password a client of this user must present now, if one is defined. */
    public Optional<String> frontendPassword(String user) {
        return Optional.ofNullable(rotated.getOrDefault(user, frontendUsers.get(user)));
    }
}
