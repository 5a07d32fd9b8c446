package io.pgagroal.security;

import static io.pgagroal.security.ScramVerifierTest.RFC_7677_SALT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramServerTest {

    /** The exchange of RFC 7677 §3: user "user", password "pencil". */
    static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String SERVER_FIRST = "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FIRST = "n,,n=user,r=" + CLIENT_NONCE;
    private static final String FINAL_WITHOUT_PROOF = "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE;
    private static final String CLIENT_FINAL = FINAL_WITHOUT_PROOF + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    private static final ScramVerifier PENCIL = ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4096);

    private static ScramServer rfcServer() {
        return new ScramServer(PENCIL, () -> SERVER_NONCE);
    }

    static byte[] pencilClientKey() {
        return Scram.clientKey(Scram.saltedPassword("pencil", RFC_7677_SALT, 4096));
    }

    @Test
    void followsTheRfc7677Exchange() throws ScramException {
        ScramServer server = rfcServer();

        assertThat(server.serverFirst(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
        assertThat(server.serverFinal(CLIENT_FINAL)).contains(SERVER_FINAL);
        assertThat(server.clientKey()).isEqualTo(pencilClientKey());
    }

    @Test
    void refusesAWrongProof() throws ScramException {
        ScramServer server = rfcServer();
        server.serverFirst(CLIENT_FIRST);

        assertThat(server.serverFinal(FINAL_WITHOUT_PROOF + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVU="))
                .isEmpty();
        assertThatThrownBy(server::clientKey).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesAProofForAnotherPassword() throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil2");
        ScramServer server = new ScramServer(PENCIL, new SecureRandom());

        assertThat(server.serverFinal(client.clientFinal(server.serverFirst(client.clientFirst())))).isEmpty();
    }

    @Test
    void announcesTheIterationCountOfTheVerifier() throws ScramException {
        ScramVerifier verifier = ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 10_000);

        assertThat(new ScramServer(verifier, () -> SERVER_NONCE).serverFirst(CLIENT_FIRST))
                .endsWith(",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10000");
    }

    @Test
    void generatesAnEighteenByteServerNonce() throws ScramException {
        String serverFirst = new ScramServer(PENCIL, new SecureRandom()).serverFirst(CLIENT_FIRST);

        assertThat(serverFirst).matches("r=" + CLIENT_NONCE + "[A-Za-z0-9+/]{24},s=.*");
    }

    @ParameterizedTest(name = "client nonce {0}")
    @ValueSource(strings = {"x", CLIENT_NONCE, "!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~"
            + "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"})
    void acceptsAnyNonceLength(String clientNonce) throws ScramException {
        ScramServer server = new ScramServer(PENCIL, () -> SERVER_NONCE);
        server.serverFirst("n,,n=,r=" + clientNonce);

        assertThat(server.serverFinal(proofFor("n=,r=" + clientNonce, "r=" + clientNonce + SERVER_NONCE
                + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "c=biws,r=" + clientNonce + SERVER_NONCE))).isPresent();
    }

    @Test
    void ignoresTheUserNameAndExtensions() throws ScramException {
        ScramServer server = rfcServer();
        String clientFirstBare = "n=someone=2Celse,r=" + CLIENT_NONCE + ",x=extension";
        String withoutProof = FINAL_WITHOUT_PROOF + ",z=extension";

        assertThat(server.serverFirst("n,," + clientFirstBare)).isEqualTo(SERVER_FIRST);
        assertThat(server.serverFinal(proofFor(clientFirstBare, SERVER_FIRST, withoutProof))).isPresent();
    }

    @Test
    void acceptsAClientThatSupportsChannelBindingButWasNotOfferedIt() throws ScramException {
        ScramServer server = rfcServer();
        server.serverFirst("y,,n=,r=" + CLIENT_NONCE);
        String withoutProof = "c=eSws,r=" + CLIENT_NONCE + SERVER_NONCE;

        assertThat(server.serverFinal(proofFor("n=,r=" + CLIENT_NONCE, SERVER_FIRST, withoutProof))).isPresent();
    }

    @Test
    void refusesAChannelBindingAttributeThatDoesNotMatchTheHeader() throws ScramException {
        ScramServer server = rfcServer();
        server.serverFirst("y,,n=,r=" + CLIENT_NONCE);
        String clientFinal = proofFor("n=,r=" + CLIENT_NONCE, SERVER_FIRST, FINAL_WITHOUT_PROOF);

        assertThatThrownBy(() -> server.serverFinal(clientFinal))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("channel-binding");
    }

    @Test
    void refusesChannelBinding() {
        assertThatThrownBy(() -> rfcServer().serverFirst("p=tls-server-end-point,,n=,r=" + CLIENT_NONCE))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("channel binding is not supported");
    }

    /** tls-server-end-point data as a TLS session would give it (any 32 bytes: the server only compares). */
    private static final byte[] END_POINT = Scram.sha256("certificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final String PLUS_HEADER = "p=tls-server-end-point,,";

    private static ScramServer plusServer() {
        return new ScramServer(PENCIL, () -> SERVER_NONCE, END_POINT);
    }

    private static String bindingAttribute(byte[] binding) {
        byte[] header = PLUS_HEADER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] input = java.util.Arrays.copyOf(header, header.length + binding.length);
        System.arraycopy(binding, 0, input, header.length, binding.length);
        return "c=" + Scram.base64(input);
    }

    @Test
    void offersPlusFirstOnlyWithBindingData() {
        assertThat(plusServer().mechanisms()).containsExactly("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256");
        assertThat(rfcServer().mechanisms()).containsExactly("SCRAM-SHA-256");
    }

    @Test
    void plusAcceptsTheSameServerCertificate() throws ScramException {
        ScramServer server = plusServer();
        assertThat(server.serverFirst("SCRAM-SHA-256-PLUS", PLUS_HEADER + "n=,r=" + CLIENT_NONCE)).isEqualTo(SERVER_FIRST);
        String withoutProof = bindingAttribute(END_POINT) + ",r=" + CLIENT_NONCE + SERVER_NONCE;
        assertThat(server.serverFinal(proofFor("n=,r=" + CLIENT_NONCE, SERVER_FIRST, withoutProof))).isPresent();
    }

    @Test
    void plusRefusesAnotherServerCertificate() throws ScramException {
        ScramServer server = plusServer();
        server.serverFirst("SCRAM-SHA-256-PLUS", PLUS_HEADER + "n=,r=" + CLIENT_NONCE);
        byte[] other = END_POINT.clone();
        other[0] ^= 1;
        String clientFinal = proofFor("n=,r=" + CLIENT_NONCE, SERVER_FIRST, bindingAttribute(other) + ",r=" + CLIENT_NONCE + SERVER_NONCE);
        assertThatThrownBy(() -> server.serverFinal(clientFinal)).hasMessage("SCRAM channel binding check failed");
    }

    @Test
    void aClientThatCouldBindIsRefusedWhenPlusWasOffered() {
        assertThatThrownBy(() -> plusServer().serverFirst("SCRAM-SHA-256", "y,,n=,r=" + CLIENT_NONCE))
                .hasMessageContaining("SCRAM channel binding negotiation error");
    }

    @Test
    void mechanismAndChannelBindingFlagMustAgree() throws ScramException {
        assertThatThrownBy(() -> plusServer().serverFirst("SCRAM-SHA-256", PLUS_HEADER + "n=,r=" + CLIENT_NONCE))
                .hasMessageContaining("without channel binding, but the SCRAM message includes channel binding data");
        assertThatThrownBy(() -> plusServer().serverFirst("SCRAM-SHA-256-PLUS", "n,,n=,r=" + CLIENT_NONCE))
                .hasMessageContaining("does not include channel binding data");
        assertThatThrownBy(() -> plusServer().serverFirst("SCRAM-SHA-256-PLUS", "p=tls-unique,,n=,r=" + CLIENT_NONCE))
                .hasMessageContaining("unsupported SCRAM channel-binding type \"tls-unique\"");
        assertThatThrownBy(() -> rfcServer().serverFirst("SCRAM-SHA-256-PLUS", PLUS_HEADER + "n=,r=" + CLIENT_NONCE))
                .hasMessageContaining("unsupported SASL mechanism");
        assertThat(plusServer().serverFirst("SCRAM-SHA-256", "n,,n=,r=" + CLIENT_NONCE)).isEqualTo(SERVER_FIRST);
    }

    @Test
    void refusesAnAuthorizationIdentity() {
        assertThatThrownBy(() -> rfcServer().serverFirst("n,a=admin,n=,r=" + CLIENT_NONCE))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("authorization identity");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "", "n", "n,", "n,,", "x,,n=,r=abc", "n,x,n=,r=abc", "nn,,n=,r=abc", "n,,r=abc", "n,,n=", "n,,n=user",
            "n,,n=,r=", "n,,n=,r=a b", "n,,n=,r=abc,", "n,,n=,r=abc,1=x", "n,,m=ext,n=,r=abc", "n,,n=,s=abc",
    })
    void refusesAMalformedClientFirstMessage(String clientFirst) {
        assertThatThrownBy(() -> rfcServer().serverFirst(clientFirst)).isInstanceOf(ScramException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "",
            "c=biws",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE,
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=!!!!",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndQ==",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=y",
            "c=biws,r=" + CLIENT_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + "x,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=eSws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    })
    void refusesAMalformedClientFinalMessage(String clientFinal) throws ScramException {
        ScramServer server = rfcServer();
        server.serverFirst(CLIENT_FIRST);

        assertThatThrownBy(() -> server.serverFinal(clientFinal)).isInstanceOf(ScramException.class);
    }

    @Test
    void servesOneExchangeInOrder() throws ScramException {
        ScramServer server = rfcServer();
        assertThatThrownBy(() -> server.serverFinal(CLIENT_FINAL)).isInstanceOf(IllegalStateException.class);

        server.serverFirst(CLIENT_FIRST);
        assertThatThrownBy(() -> server.serverFirst(CLIENT_FIRST)).isInstanceOf(IllegalStateException.class);
        assertThat(server.serverFinal(CLIENT_FINAL)).isPresent();
        assertThatThrownBy(() -> server.serverFinal(CLIENT_FINAL)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recoversTheClientKeyOfAScramClient() throws ScramException {
        ScramServer server = new ScramServer(PENCIL, new SecureRandom());
        ScramClient client = ScramClient.withPassword("pencil");

        Optional<String> serverFinal = server.serverFinal(client.clientFinal(server.serverFirst(client.clientFirst())));
        client.verifyServerFinal(serverFinal.orElseThrow());

        assertThat(server.clientKey()).isEqualTo(pencilClientKey());
    }

    /** A client-final message with the right proof for "pencil", computed from the password. */
    private static String proofFor(String clientFirstBare, String serverFirst, String withoutProof) {
        byte[] clientKey = pencilClientKey();
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] proof = Scram.xor(clientKey, Scram.hmac(Scram.sha256(clientKey), authMessage));
        return withoutProof + ",p=" + Scram.base64(proof);
    }
}
