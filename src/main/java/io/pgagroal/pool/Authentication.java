package io.pgagroal.pool;

import io.pgagroal.protocol.Protocol;
import java.security.MessageDigest;

/**
 * How PostgreSQL authenticated the client that created a connection, kept so that a later client of
 * the same user is checked the same way before it is given the connection (pass-through, spec §5.4).
 * For trust nothing is asked. For password and MD5 the later client is sent the same request and
 * must answer with the same bytes; for MD5 that means the same salt, a weakness pgagroal documents
 * and the users vault removes. SCRAM cannot be replayed, so such connections are not reused.
 *
 * @param method the AuthenticationRequest code (0 trust, 3 cleartext, 5 MD5, 10 SASL)
 * @param request the complete AuthenticationRequest message sent to the client, or null for trust
 * @param response the complete message the client answered with, or null for trust
 */
public record Authentication(int method, byte[] request, byte[] response) {

    public static final Authentication TRUST = new Authentication(Protocol.AUTH_OK, null, null);

    public boolean replayable() {
        return method == Protocol.AUTH_OK || method == Protocol.AUTH_CLEARTEXT_PASSWORD || method == Protocol.AUTH_MD5_PASSWORD;
    }

    /** Constant-time comparison of a later client's answer with the first client's. */
    public boolean accepts(byte[] answer) {
        return response != null && MessageDigest.isEqual(response, answer);
    }
}
