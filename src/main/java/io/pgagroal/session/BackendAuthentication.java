package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgagroal.protocol.AuthenticationCleartextPassword;
import io.pgagroal.protocol.AuthenticationMD5Password;
import io.pgagroal.protocol.AuthenticationOk;
import io.pgagroal.protocol.AuthenticationRequest;
import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.AuthenticationSASLContinue;
import io.pgagroal.protocol.AuthenticationSASLFinal;
import io.pgagroal.protocol.Messages;
import io.pgagroal.security.Md5Password;
import io.pgagroal.security.ScramClient;
import io.pgagroal.security.ScramException;
import java.nio.charset.StandardCharsets;

/**
 * The pooler logs in to PostgreSQL itself, answering whatever the server asks: nothing for trust, the
 * password for AuthenticationCleartextPassword, an MD5 response with the server's salt, or a
 * SCRAM-SHA-256 exchange that honours the server's salt and iteration count. It logs in with the
 * users-vault password, or, for auth_query, with what the client's own authentication revealed: the
 * MD5 hash PostgreSQL stores, or the ClientKey recovered from the client's SCRAM proof together with
 * the verifier's ServerKey. No plaintext password is needed in the last two cases.
 */
final class BackendAuthentication {

    /** The server asked for something these credentials cannot answer, or refused the answer. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final String user;
    private final String password;
    private final String md5Hash;
    private final byte[] clientKey;
    private final byte[] serverKey;
    private ScramClient scram;

    private BackendAuthentication(String user, String password, String md5Hash, byte[] clientKey, byte[] serverKey) {
        this.user = user;
        this.password = password;
        this.md5Hash = md5Hash;
        this.clientKey = clientKey;
        this.serverKey = serverKey;
    }

    static BackendAuthentication password(String user, String password) {
        return new BackendAuthentication(user, password, null, null, null);
    }

    static BackendAuthentication md5Hash(String user, String md5Hash) {
        return new BackendAuthentication(user, null, md5Hash, null, null);
    }

    static BackendAuthentication scramKeys(String user, byte[] clientKey, byte[] serverKey) {
        return new BackendAuthentication(user, null, null, clientKey, serverKey);
    }

    /**
     * @return the message to send back, or null when none is due (AuthenticationOk, AuthenticationSASLFinal)
     */
    ByteBuf answer(AuthenticationRequest request, ByteBufAllocator alloc) throws Failure {
        try {
            return switch (request) {
                case AuthenticationOk ok -> null;
                case AuthenticationCleartextPassword cleartext -> Messages.passwordMessage(alloc, require(password, "a cleartext password"));
                case AuthenticationMD5Password md5 -> {
                    String hash = md5Hash != null ? md5Hash : Md5Password.hash(require(password, "MD5"), user);
                    yield Messages.passwordMessage(alloc, Md5Password.response(hash, md5.salt()));
                }
                case AuthenticationSASL sasl -> {
                    if (!sasl.mechanisms().contains(AuthenticationSASL.SCRAM_SHA_256)) {
                        throw new Failure("the server offers no SASL mechanism pgagroal supports");
                    }
                    scram = password != null ? ScramClient.withPassword(password)
                            : ScramClient.withKeys(require(clientKey, AuthenticationSASL.SCRAM_SHA_256), serverKey);
                    yield Messages.saslInitialResponse(alloc, AuthenticationSASL.SCRAM_SHA_256, scram.clientFirst());
                }
                case AuthenticationSASLContinue challenge ->
                        Messages.saslResponse(alloc, sasl().clientFinal(new String(challenge.data(), StandardCharsets.UTF_8)));
                case AuthenticationSASLFinal outcome -> {
                    sasl().verifyServerFinal(new String(outcome.data(), StandardCharsets.UTF_8));
                    yield null;
                }
                case AuthenticationRequest.Unsupported unsupported ->
                        throw new Failure("the server asks for " + unsupported.method() + ", which pgagroal does not support");
            };
        } catch (ScramException e) {
            throw new Failure("SCRAM authentication with the server failed: " + e.getMessage());
        }
    }

    private ScramClient sasl() throws Failure {
        if (scram == null) {
            throw new Failure("the server continued a SASL exchange that was not started");
        }
        return scram;
    }

    private <T> T require(T value, String what) throws Failure {
        if (value == null) {
            throw new Failure("the server asks for " + what + " authentication, which the stored password of \"" + user + "\" cannot answer");
        }
        return value;
    }
}
