package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
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
     * @param request a complete AuthenticationRequest message (not AuthenticationOk)
     * @return the message to send back, or null when none is due (AuthenticationSASLFinal)
     */
    ByteBuf answer(ByteBuf request, ByteBufAllocator alloc) throws Failure {
        int code = request.getInt(5);
        ByteBuf data = request.slice(9, request.readableBytes() - 9);
        try {
            return switch (code) {
                case Protocol.AUTH_CLEARTEXT_PASSWORD -> Messages.passwordMessage(alloc, require(password, "a cleartext password"));
                case Protocol.AUTH_MD5_PASSWORD -> {
                    byte[] salt = new byte[4];
                    data.getBytes(data.readerIndex(), salt);
                    String hash = md5Hash != null ? md5Hash : Md5Password.hash(require(password, "MD5"), user);
                    yield Messages.passwordMessage(alloc, Md5Password.response(hash, salt));
                }
                case Protocol.AUTH_SASL -> {
                    if (!data.toString(StandardCharsets.US_ASCII).contains("SCRAM-SHA-256\0")) {
                        throw new Failure("the server offers no SASL mechanism pgagroal supports");
                    }
                    scram = password != null ? ScramClient.withPassword(password)
                            : ScramClient.withKeys(require(clientKey, "SCRAM-SHA-256"), serverKey);
                    yield Messages.saslInitialResponse(alloc, "SCRAM-SHA-256", scram.clientFirst());
                }
                case Protocol.AUTH_SASL_CONTINUE -> Messages.saslResponse(alloc, sasl().clientFinal(data.toString(StandardCharsets.UTF_8)));
                case Protocol.AUTH_SASL_FINAL -> {
                    sasl().verifyServerFinal(data.toString(StandardCharsets.UTF_8));
                    yield null;
                }
                default -> throw new Failure("the server asks for authentication method " + code + ", which pgagroal does not support");
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
