package io.pgagroal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677): the pooler logging in to
 * PostgreSQL, like libpq's fe-auth-scram.c. It knows either the password, in which case the keys
 * are derived from the salt and iteration count the server sends, or directly the ClientKey and
 * ServerKey, which is all SCRAM needs: a ClientKey recovered by {@link ScramServer} from a client's
 * proof plus the ServerKey of the role's verifier let the pooler log in as that client without ever
 * knowing its password. Either way the server must prove it knows the ServerKey.
 *
 * <p>No channel binding is used ({@code n,,}) and the user name is left empty: PostgreSQL takes the
 * user from the StartupMessage. One instance serves one exchange and is not thread-safe.
 */
public final class ScramClient {

    private static final int NONCE_BYTES = 24;
    private static final String GS2_HEADER = "n,,";
    private static final String CHANNEL_BINDING = "c=" + Scram.base64(GS2_HEADER.getBytes(StandardCharsets.US_ASCII));

    private enum State { INITIAL, FIRST_SENT, FINAL_SENT, DONE }

    private final String password;
    private final Supplier<String> nonces;
    private byte[] clientKey;
    private byte[] serverKey;
    private State state = State.INITIAL;
    private String clientNonce;
    private String clientFirstBare;
    private byte[] serverSignature;

    private ScramClient(String password, byte[] clientKey, byte[] serverKey, Supplier<String> nonces) {
        this.password = password;
        this.clientKey = clientKey;
        this.serverKey = serverKey;
        this.nonces = nonces;
    }

    /** An exchange with the role's password, to which {@link SaslPrep} is applied as libpq does. */
    public static ScramClient withPassword(String password) {
        return withPassword(password, ScramClient::randomNonce);
    }

    static ScramClient withPassword(String password, Supplier<String> nonces) {
        return new ScramClient(Objects.requireNonNull(password, "password"), null, null, nonces);
    }

    /** An exchange with the role's ClientKey and ServerKey (32 bytes each) instead of its password. */
    public static ScramClient withKeys(byte[] clientKey, byte[] serverKey) {
        return withKeys(clientKey, serverKey, ScramClient::randomNonce);
    }

    static ScramClient withKeys(byte[] clientKey, byte[] serverKey, Supplier<String> nonces) {
        if (clientKey.length != Scram.KEY_LENGTH || serverKey.length != Scram.KEY_LENGTH) {
            throw new IllegalArgumentException("ClientKey and ServerKey must be " + Scram.KEY_LENGTH + " bytes");
        }
        return new ScramClient(null, clientKey.clone(), serverKey.clone(), nonces);
    }

    private static String randomNonce() {
        return Scram.nonce(Scram.RANDOM, NONCE_BYTES);
    }

    /** The client-first message, the data of SASLInitialResponse: {@code n,,n=,r=<nonce>}. */
    public String clientFirst() {
        requireState(State.INITIAL);
        clientNonce = nonces.get();
        clientFirstBare = "n=,r=" + clientNonce;
        state = State.FIRST_SENT;
        return GS2_HEADER + clientFirstBare;
    }

    /**
     * The client-final message, the data of SASLResponse, answering the server-first message (the
     * data of AuthenticationSASLContinue) with the proof.
     */
    public String clientFinal(String serverFirstMessage) throws ScramException {
        requireState(State.FIRST_SENT);
        state = State.DONE;
        String[] attributes = Scram.attributes(serverFirstMessage);
        if (attributes[0].startsWith("m=")) {
            throw new ScramException("server requires an unsupported SCRAM extension");
        }
        if (attributes.length < 3) {
            throw new ScramException("malformed SCRAM message: the server-first message is incomplete");
        }
        String nonce = Scram.nonceValue(attributes[0]);
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ScramException("SCRAM nonce mismatch");
        }
        byte[] salt = Scram.fromBase64(Scram.value(attributes[1], 's'), "salt");
        int iterations = iterations(Scram.value(attributes[2], 'i'));
        Scram.extensions(attributes, 3);
        if (password != null) {
            DerivedKeys keys = DerivedKeys.of(password, salt, iterations);
            clientKey = keys.clientKey();
            serverKey = keys.serverKey();
        }

        String withoutProof = CHANNEL_BINDING + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirstMessage + "," + withoutProof;
        byte[] proof = Scram.xor(clientKey, Scram.hmac(Scram.sha256(clientKey), authMessage));
        serverSignature = Scram.hmac(serverKey, authMessage);
        state = State.FINAL_SENT;
        return withoutProof + ",p=" + Scram.base64(proof);
    }

    private static int iterations(String text) throws ScramException {
        int iterations = Scram.positiveInt(text);
        if (iterations == 0) {
            throw new ScramException("malformed SCRAM message: invalid iteration count \"" + text + "\"");
        }
        return iterations;
    }

    /**
     * Checks the server-final message (the data of AuthenticationSASLFinal).
     *
     * @throws ScramException when the server reports an error ({@code e=}) or its signature is wrong,
     *                        i.e. it does not know the role's verifier
     */
    public void verifyServerFinal(String serverFinalMessage) throws ScramException {
        requireState(State.FINAL_SENT);
        state = State.DONE;
        String[] attributes = Scram.attributes(serverFinalMessage);
        if (attributes[0].startsWith("e=")) {
            throw new ScramException("the server rejected the SCRAM exchange: " + attributes[0].substring(2));
        }
        byte[] signature = Scram.fromBase64(Scram.value(attributes[0], 'v'), "ServerSignature");
        Scram.extensions(attributes, 1);
        if (!MessageDigest.isEqual(signature, serverSignature)) {
            throw new ScramException("the server's SCRAM signature is wrong: it does not know the role's verifier");
        }
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange used out of order");
        }
    }
}
