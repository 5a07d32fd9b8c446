package io.pgagroal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677): the pooler checks a client
 * against a {@link ScramVerifier}, as PostgreSQL's auth-scram.c does. To a client on TLS the pooler
 * also offers SCRAM-SHA-256-PLUS with channel binding tls-server-end-point (RFC 5929): given the
 * binding data, a client that chose -PLUS must send {@code p=tls-server-end-point} and prove it saw the
 * same server certificate, and a client that says {@code y} (it could bind but thinks the server
 * cannot) is refused, since that means someone removed -PLUS from the offer. Without binding data
 * only {@code n,,} and {@code y,,} are accepted. An authorization identity ({@code a=}) is refused.
 * The user name in the client-first message is ignored: the user is the one of the StartupMessage.
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
    private final byte[] channelBinding;
    private boolean plus;
    private State state = State.INITIAL;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private byte[] clientKey;

    public ScramServer(ScramVerifier verifier, SecureRandom random) {
        this(verifier, random, null);
    }

    /**
     * @param channelBinding the tls-server-end-point data of the client's TLS session, when
     *                       SCRAM-SHA-256-PLUS was offered; null otherwise
     */
    public ScramServer(ScramVerifier verifier, SecureRandom random, byte[] channelBinding) {
        this(verifier, () -> Scram.nonce(random, NONCE_BYTES), channelBinding);
    }

    /** With a given source of server nonces, for tests. */
    ScramServer(ScramVerifier verifier, Supplier<String> nonces) {
        this(verifier, nonces, null);
    }

    ScramServer(ScramVerifier verifier, Supplier<String> nonces, byte[] channelBinding) {
        this.verifier = verifier;
        this.nonces = nonces;
        this.channelBinding = channelBinding == null ? null : channelBinding.clone();
    }

    /** The mechanisms to offer, the strongest first as PostgreSQL lists them. */
    public List<String> mechanisms() {
        return channelBinding == null ? List.of(Scram.MECHANISM) : List.of(Scram.MECHANISM_PLUS, Scram.MECHANISM);
    }

    /** {@link #serverFirst(String, String)} for SCRAM-SHA-256. */
    public String serverFirst(String clientFirstMessage) throws ScramException {
        return serverFirst(Scram.MECHANISM, clientFirstMessage);
    }

    /**
     * Answers the client-first message (the data of SASLInitialResponse) with the server-first
     * message: the combined nonce, the verifier's salt and its iteration count.
     *
     * @param mechanism the one the client chose, which must be one of {@link #mechanisms()}
     */
    public String serverFirst(String mechanism, String clientFirstMessage) throws ScramException {
        requireState(State.INITIAL);
        state = State.DONE;
        if (!mechanisms().contains(mechanism)) {
            throw new ScramException("unsupported SASL mechanism \"" + mechanism + "\"");
        }
        plus = mechanism.equals(Scram.MECHANISM_PLUS);
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

    private String gs2Header(String clientFirstMessage) throws ScramException {
        int comma = clientFirstMessage.indexOf(',');
        if (comma < 0) {
            throw new ScramException("malformed SCRAM message: bad GS2 header");
        }
        String flag = clientFirstMessage.substring(0, comma);
        if (flag.startsWith("p=")) {
            if (channelBinding == null) {
                throw new ScramException("channel binding is not supported: the server offers " + Scram.MECHANISM
                        + ", not " + Scram.MECHANISM_PLUS);
            }
            if (!plus) {
                throw new ScramException("malformed SCRAM message: the client selected " + Scram.MECHANISM
                        + " without channel binding, but the SCRAM message includes channel binding data");
            }
            if (!flag.substring(2).equals(TlsServerEndPoint.TYPE)) {
                throw new ScramException("unsupported SCRAM channel-binding type \"" + flag.substring(2) + "\"");
            }
        } else if (flag.equals("y") || flag.equals("n")) {
            if (plus) {
                throw new ScramException("malformed SCRAM message: the client selected " + Scram.MECHANISM_PLUS
                        + ", but the SCRAM message does not include channel binding data");
            }
            if (flag.equals("y") && channelBinding != null) {
                throw new ScramException("SCRAM channel binding negotiation error: the client supports SCRAM channel"
                        + " binding but thinks the server does not; this server does support channel binding");
            }
        } else {
            throw new ScramException("malformed SCRAM message: unexpected channel-binding flag");
        }
        if (clientFirstMessage.startsWith("a=", comma + 1)) {
            throw new ScramException("client uses an authorization identity, which is not supported");
        }
        if (!clientFirstMessage.startsWith(",", comma + 1)) {
            throw new ScramException("malformed SCRAM message: bad GS2 header");
        }
        return clientFirstMessage.substring(0, comma + 2);
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
        if (!binding.equals(Scram.base64(channelBindingInput()))) {
            throw new ScramException(plus ? "SCRAM channel binding check failed"
                    : "unexpected SCRAM channel-binding attribute in client-final-message");
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

    /** What {@code c=} must hold in base64: the GS2 header, followed with -PLUS by the binding data. */
    private byte[] channelBindingInput() {
        byte[] header = gs2Header.getBytes(StandardCharsets.US_ASCII);
        if (!plus) {
            return header;
        }
        byte[] input = Arrays.copyOf(header, header.length + channelBinding.length);
        System.arraycopy(channelBinding, 0, input, header.length, channelBinding.length);
        return input;
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
