package io.pgagroal.session;

import io.pgagroal.protocol.AuthenticationCleartextPassword;
import io.pgagroal.protocol.AuthenticationMD5Password;
import io.pgagroal.protocol.AuthenticationOk;
import io.pgagroal.protocol.AuthenticationRequest;
import java.security.MessageDigest;

/**
 * How a connection's first client was authenticated, kept so that a later client of the same key
 * is checked before it is given the connection.
 *
 * <p>When the pooler logged in itself (users vault, auth_query) it also authenticates every client
 * itself, so any method, SCRAM included, can be pooled. When it passed the client's authentication
 * through (spec §5.4), a later client is sent the same request and must answer with the same bytes:
 * nothing for trust, the same password, or the same MD5 digest, which means the same salt, a
 * weakness pgagroal documents and the users vault removes. SCRAM cannot be replayed, so such
 * connections are not reused.
 *
 * @param method the server's first AuthenticationRequest (AuthenticationOk for trust)
 * @param byPooler whether the pooler logged in and checks clients itself
 * @param request the complete request relayed to the first client (pass-through), or null
 * @param response the first client's complete answer (pass-through), or null
 */
record Authentication(AuthenticationRequest method, boolean byPooler, byte[] request, byte[] response) {

    static final Authentication TRUST = new Authentication(AuthenticationOk.INSTANCE, false, null, null);

    static Authentication byPooler(AuthenticationRequest method) {
        return new Authentication(method, true, null, null);
    }

    static Authentication passThrough(AuthenticationRequest method, byte[] request, byte[] response) {
        return new Authentication(method, false, request, response);
    }

    boolean replayable() {
        return byPooler || method instanceof AuthenticationOk || method instanceof AuthenticationCleartextPassword
                || method instanceof AuthenticationMD5Password;
    }

    /** Constant-time comparison of a later client's answer with the first client's. */
    boolean accepts(byte[] answer) {
        return response != null && MessageDigest.isEqual(response, answer);
    }
}
