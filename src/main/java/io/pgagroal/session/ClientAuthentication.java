package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgagroal.config.AuthMethod;
import io.pgagroal.protocol.AuthenticationCleartextPassword;
import io.pgagroal.protocol.AuthenticationMD5Password;
import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.AuthenticationSASLContinue;
import io.pgagroal.protocol.AuthenticationSASLFinal;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.security.ScramException;
import io.pgagroal.security.ScramServer;
import io.pgagroal.security.UserSecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The pooler authenticates a client itself (spec §5.3 step 5) with the method pgagroal_hba.conf
 * names: nothing for trust; AuthenticationCleartextPassword; AuthenticationMD5Password with a fresh
 * random salt for every client; or a SCRAM-SHA-256 exchange against the user's verifier, with
 * SCRAM-SHA-256-PLUS offered too to a client on TLS. After a
 * SCRAM exchange the client's ClientKey is known, which auth_query uses to log in to PostgreSQL
 * without a password. One instance serves one client, on its event loop.
 */
final class ClientAuthentication {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What to do after a client message: send the next request, or stop with success or an error. */
    sealed interface Step {
        record Send(ByteBuf message) implements Step {
        }

        record Done() implements Step {
        }

        record Failed(String sqlState, String message) implements Step {
        }
    }

    private final AuthMethod method;
    private final UserSecret secret;
    private final byte[] channelBinding;
    private byte[] salt;
    private ScramServer scram;
    private boolean saslStarted;
    private byte[] clientKey;
    private String cleartext;

    /** @param channelBinding the client's TLS channel-binding data, to offer SCRAM-SHA-256-PLUS; null for none */
    ClientAuthentication(AuthMethod method, UserSecret secret, byte[] channelBinding) {
        this.method = method;
        this.secret = secret;
        this.channelBinding = channelBinding;
    }

    /** The first request to send, or empty when the method asks nothing (trust). */
    Optional<ByteBuf> request(ByteBufAllocator alloc) {
        return switch (method) {
            case PASSWORD -> Optional.of(AuthenticationCleartextPassword.INSTANCE.encode(alloc));
            case MD5 -> {
                salt = new byte[AuthenticationMD5Password.SALT_LENGTH];
                RANDOM.nextBytes(salt);
                yield Optional.of(new AuthenticationMD5Password(salt).encode(alloc));
            }
            case SCRAM_SHA_256 -> {
                scram = new ScramServer(secret.verifier(), RANDOM, channelBinding);
                yield Optional.of(new AuthenticationSASL(scram.mechanisms()).encode(alloc));
            }
            default -> Optional.empty();
        };
    }

    /** Handles a client's answer (a complete 'p' message; the caller releases it). */
    Step answer(ByteBuf frame, ByteBufAllocator alloc) {
        if (frame.getByte(0) != Protocol.PASSWORD_MESSAGE) {
            return new Step.Failed(SqlState.PROTOCOL_VIOLATION, "expected a password response, got message type '" + (char) frame.getByte(0) + "'");
        }
        ByteBuf body = Messages.body(frame);
        try {
            return switch (method) {
                case PASSWORD -> {
                    String candidate = Messages.readCString(body);
                    boolean accepted = secret.matchesCleartext(candidate);
                    cleartext = accepted ? candidate : null;
                    yield verdict(accepted);
                }
                case MD5 -> verdict(secret.matchesMd5(salt, Messages.readCString(body)));
                case SCRAM_SHA_256 -> scram(body, alloc);
                default -> new Step.Failed(SqlState.PROTOCOL_VIOLATION, "no password was asked for");
            };
        } catch (ScramException | IllegalArgumentException e) {
            return new Step.Failed(SqlState.PROTOCOL_VIOLATION, "malformed authentication message: " + e.getMessage());
        }
    }

    private Step scram(ByteBuf body, ByteBufAllocator alloc) throws ScramException {
        if (!saslStarted) {
            String mechanism = Messages.readCString(body);
            if (!scram.mechanisms().contains(mechanism)) {
                return new Step.Failed(SqlState.PROTOCOL_VIOLATION, "unsupported SASL mechanism \"" + mechanism + "\"");
            }
            int length = body.readInt();
            if (length < 0 || length != body.readableBytes()) {
                return new Step.Failed(SqlState.PROTOCOL_VIOLATION, "malformed SASLInitialResponse");
            }
            String serverFirst = scram.serverFirst(mechanism, body.toString(StandardCharsets.UTF_8));
            saslStarted = true;
            return new Step.Send(new AuthenticationSASLContinue(serverFirst.getBytes(StandardCharsets.UTF_8)).encode(alloc));
        }
        Optional<String> serverFinal = scram.serverFinal(body.toString(StandardCharsets.UTF_8));
        if (serverFinal.isEmpty()) {
            return verdict(false);
        }
        clientKey = scram.clientKey();
        return new Step.Send(new AuthenticationSASLFinal(serverFinal.get().getBytes(StandardCharsets.UTF_8)).encode(alloc));
    }

    /** True once the SASL exchange sent its final message: the client is authenticated. */
    boolean scramComplete() {
        return clientKey != null;
    }

    /** The password a client sent in clear and that matched; null for the other methods. */
    String cleartext() {
        return cleartext;
    }

    /** The client's ClientKey, recovered from its SCRAM proof; null for the other methods. */
    byte[] clientKey() {
        return clientKey;
    }

    private Step verdict(boolean accepted) {
        return accepted ? new Step.Done()
                : new Step.Failed(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + secret.user() + "\"");
    }
}
