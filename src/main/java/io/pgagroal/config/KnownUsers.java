package io.pgagroal.config;

import java.util.Set;

/**
 * The user names found in the users-type files (users, frontend users, admins, superuser). The
 * configuration does not read those encrypted files itself; whoever decrypts them passes the names in,
 * because several checks depend on them (the transaction pipeline and prefilling need users, auth_query
 * needs a superuser, remote management wants admins).
 */
public record KnownUsers(Set<String> users, Set<String> frontendUsers, Set<String> admins, Set<String> superusers) {

    /** No users files, or empty ones. */
    public static final KnownUsers NONE = new KnownUsers(Set.of(), Set.of(), Set.of(), Set.of());

    public KnownUsers {
        users = Set.copyOf(users);
        frontendUsers = Set.copyOf(frontendUsers);
        admins = Set.copyOf(admins);
        superusers = Set.copyOf(superusers);
    }
}
