package io.pgagroal.session;

import io.pgagroal.config.AuthMethod;
import io.pgagroal.security.UserSecret;

/**
 * How a session's user is authenticated, decided at admission from what the pooler knows of the
 * user: its password (users vault or frontend users), the way to look up its hash (auth_query),
 * or nothing (pass-through to PostgreSQL).
 */
sealed interface Login {

    /** The pgagroal_hba.conf method of the client's entry. */
    AuthMethod method();

    record PassThrough(AuthMethod method) implements Login {
    }

    /**
     * @param secret what the client must prove (its frontend password when it has one)
     * @param backendPassword the users-vault password the pooler logs in to PostgreSQL with
     */
    record Known(AuthMethod method, UserSecret secret, String backendPassword) implements Login {
    }

    record AuthQuery(AuthMethod method, String superuser, String superuserPassword) implements Login {
    }
}
