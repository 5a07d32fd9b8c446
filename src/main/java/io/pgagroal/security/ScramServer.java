package io.pgagroal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677): the pooler checks a client
 * against a {@link ScramVerifier}, as PostgreSQL's auth-scram.c does. Only SCRAM-SHA-256 is offered,
 * never SCRAM-SHA-256-PLUS, so the GS2 header must be {@code n,,} or {@code y,,}; channel binding
 * ({@code p=}) and an authorization identity ({@code a=}) are refused. The user name in the
 * client-first message is ignored: the user is the one of the StartupMessage.
 *
 * <p>A verified proof also yields the client's ClientKey (proof XOR ClientSignature), with which
 * {@link ScramClient#withKeys} can later log in to PostgreSQL as that client without the password.
 *
 * <p>One instance serves one exchange and is not thread-safe.
 */
public final class ScramServer {

    private static final int NONCE_BYTES = 18;

    private enum State { INITIAL, FIRST_SENT, DONE }

    private final ScramVerifier verifier;
    private final Supplier<String> nonces;
    private State state = State.INITIAL;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private byte[] clientKey;

    public ScramServer(ScramVerifier verifier, SecureRandom random) {
        this(verifier, () -> Scram.nonce(random, NONCE_BYTES));
    }

    /** With a given source of server nonces, for tests. */
    ScramServer(ScramVerifier verifier, Supplier<String> nonces) {
        this.verifier = verifier;
        this.nonces = nonces;
    }

    /**
     * Answers the client-first message (the data of SASLInitialResponse) with the server-first
     * message: the combined nonce, the verifier's salt and its iteration count.
     */
    public String serverFirst(String clientFirstMessage) throws ScramException {
        requireState(State.INITIAL);
        state = State.DONE;
        gs2Header = gs2Header(clientFirstMessage);
        clientFirstBare = clientFirstMessage.substring(gs2Header.length());
        String[] attributes = Scram.attributes(clientFirstBare);
        if (attributes[0].startsWith("m=")) {
            throw new ScramException("client requires an unsupported SCRAM extension");
        }
        Scram.value(attributes[0], 'n');
        if (attributes.length < 2) {
            throw new ScramException("malformed SCRAM message: the client-first message has no nonce");
        }
        nonce = Scram.nonceValue(attributes[1]) + nonces.get();
        Scram.extensions(attributes, 2);
        serverFirst = "r=" + nonce + ",s=" + Scram.base64(verifier.salt()) + ",i=" + verifier.iterations();
        state = State.FIRST_SENT;
        return serverFirst;
    }

    private static String gs2Header(String clientFirstMessage) throws ScramException {
        if (clientFirstMessage.startsWith("p")) {
            throw new ScramException("channel binding is not supported: the server offers " + Scram.MECHANISM
                    + ", not " + Scram.MECHANISM + "-PLUS");
        }
        if (!clientFirstMessage.startsWith("n,") && !clientFirstMessage.startsWith("y,")) {
            throw new ScramException("malformed SCRAM message: unexpected channel-binding flag");
        }
        if (clientFirstMessage.startsWith("a=", 2)) {
            throw new ScramException("client uses an authorization identity, which is not supported");
        }
        if (!clientFirstMessage.startsWith(",", 2)) {
            throw new ScramException("malformed SCRAM message: bad GS2 header");
        }
        return clientFirstMessage.substring(0, 3);
    }

    /**
     * Checks the client-final message (the data of SASLResponse).
     *
     * @return the server-final message {@code v=<ServerSignature>} when the proof is right, empty
     *         when it is wrong (the password is wrong: the client gets 28P01)
     * @throws ScramException when the message is malformed or does not belong to this exchange
     */
    public Optional<String> serverFinal(String clientFinalMessage) throws ScramException {
        requireState(State.FIRST_SENT);
        state = State.DONE;
        String[] attributes = Scram.attributes(clientFinalMessage);
        if (attributes.length < 3) {
            throw new ScramException("malformed SCRAM message: the client-final message is incomplete");
        }
        String binding = Scram.value(attributes[0], 'c');
        if (!binding.equals(Scram.base64(gs2Header.getBytes(StandardCharsets.US_ASCII)))) {
            throw new ScramException("unexpected SCRAM channel-binding attribute in client-final-message");
        }
        if (!Scram.value(attributes[1], 'r').equals(nonce)) {
            throw new ScramException("SCRAM nonce mismatch");
        }
        byte[] proof = Scram.fromBase64(Scram.value(attributes[attributes.length - 1], 'p'), "ClientProof");
        if (proof.length != Scram.KEY_LENGTH) {
            throw new ScramException("malformed SCRAM message: invalid ClientProof");
        }
        Scram.extensions(attributes, 2);

        String withoutProof = clientFinalMessage.substring(0, clientFinalMessage.lastIndexOf(','));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] candidate = Scram.xor(proof, Scram.hmac(verifier.storedKey(), authMessage));
        if (!MessageDigest.isEqual(Scram.sha256(candidate), verifier.storedKey())) {
            return Optional.empty();
        }
        clientKey = candidate;
        return Optional.of("v=" + Scram.base64(Scram.hmac(verifier.serverKey(), authMessage)));
    }

    /**
     * The client's ClientKey, recovered from its proof.
     *
     * @throws IllegalStateException unless {@link #serverFinal} accepted the proof
     */
    public byte[] clientKey() {
        if (clientKey == null) {
            throw new IllegalStateException("no SCRAM proof has been verified");
        }
        return clientKey.clone();
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange used out of order");
        }
    }
}
