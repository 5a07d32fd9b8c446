package io.pgagroal.security;

import static io.pgagroal.security.ScramServerTest.CLIENT_NONCE;
import static io.pgagroal.security.ScramServerTest.SERVER_FIRST;
import static io.pgagroal.security.ScramServerTest.SERVER_NONCE;
import static io.pgagroal.security.ScramServerTest.pencilClientKey;
import static io.pgagroal.security.ScramVerifierTest.RFC_7677_SALT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.protocol.Protocol;
import io.pgagroal.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramClientTest {

    /**
     * The RFC 7677 exchange as the pooler sends it, with an empty user name (which changes the proof
     * and the signature); computed independently with Python's hashlib/hmac.
     */
    private static final String CLIENT_FINAL = "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE
            + ",p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k=";
    private static final String SERVER_FINAL = "v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=";
    private static final byte[] PENCIL_SERVER_KEY =
            ScramVerifier.fromPassword("pencil", RFC_7677_SALT, 4096).serverKey();

    private static PostgresServer postgres;

    @BeforeAll
    static void startServer() {
        postgres = PostgresServer.start(PostgresServer.AuthMethod.SCRAM);
    }

    @AfterAll
    static void stopServer() {
        postgres.stop();
    }

    @Test
    void followsTheRfc7677ExchangeWithThePassword() throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);

        assertThat(client.clientFirst()).isEqualTo("n,,n=,r=" + CLIENT_NONCE);
        assertThat(client.clientFinal(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
        client.verifyServerFinal(SERVER_FINAL);
    }

    @Test
    void followsTheRfc7677ExchangeWithTheKeys() throws ScramException {
        ScramClient client = ScramClient.withKeys(pencilClientKey(), PENCIL_SERVER_KEY, () -> CLIENT_NONCE);

        assertThat(client.clientFirst()).isEqualTo("n,,n=,r=" + CLIENT_NONCE);
        assertThat(client.clientFinal(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
        client.verifyServerFinal(SERVER_FINAL);
    }

    @Test
    void generatesATwentyFourByteNonce() {
        assertThat(ScramClient.withPassword("pencil").clientFirst()).matches("n,,n=,r=[A-Za-z0-9+/]{32}");
    }

    @Test
    void refusesAServerThatDoesNotKnowTheVerifier() throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);
        client.clientFirst();
        client.clientFinal(SERVER_FIRST);

        assertThatThrownBy(() -> client.verifyServerFinal("v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOk="))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("signature is wrong");
    }

    @Test
    void reportsAServerError() throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);
        client.clientFirst();
        client.clientFinal(SERVER_FIRST);

        assertThatThrownBy(() -> client.verifyServerFinal("e=invalid-proof"))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("invalid-proof");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "",
            "r=" + CLIENT_NONCE + SERVER_NONCE,
            "r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "r=other" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=!!!,i=4096",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
            "r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,",
            "m=ext,r=" + CLIENT_NONCE + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "e=other-error",
    })
    void refusesAMalformedServerFirstMessage(String serverFirst) {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);
        client.clientFirst();

        assertThatThrownBy(() -> client.clientFinal(serverFirst)).isInstanceOf(ScramException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "v=", "v=!!!", "x=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=", SERVER_FINAL + ",1"})
    void refusesAMalformedServerFinalMessage(String serverFinal) throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);
        client.clientFirst();
        client.clientFinal(SERVER_FIRST);

        assertThatThrownBy(() -> client.verifyServerFinal(serverFinal)).isInstanceOf(ScramException.class);
    }

    @Test
    void servesOneExchangeInOrder() throws ScramException {
        ScramClient client = ScramClient.withPassword("pencil", () -> CLIENT_NONCE);
        assertThatThrownBy(() -> client.clientFinal(SERVER_FIRST)).isInstanceOf(IllegalStateException.class);

        client.clientFirst();
        assertThatThrownBy(client::clientFirst).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.verifyServerFinal(SERVER_FINAL)).isInstanceOf(IllegalStateException.class);
        client.clientFinal(SERVER_FIRST);
        client.verifyServerFinal(SERVER_FINAL);
        assertThatThrownBy(() -> client.verifyServerFinal(SERVER_FINAL)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesKeysOfTheWrongLength() {
        assertThatThrownBy(() -> ScramClient.withKeys(new byte[31], PENCIL_SERVER_KEY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsInToPostgresqlWithThePassword() throws Exception {
        postgres.createRole("with_password", "s3cret p\u00E4ss\u2168");

        assertThat(logIn("with_password", ScramClient.withPassword("s3cret p\u00E4ss\u2168"))).contains(",i=4096");
    }

    @Test
    void logsInToPostgresqlWithTheKeys() throws Exception {
        postgres.createRole("with_keys", "key-secret");
        ScramVerifier verifier = storedVerifier("with_keys");
        byte[] clientKey = Scram.clientKey(Scram.saltedPassword("key-secret", verifier.salt(), verifier.iterations()));

        logIn("with_keys", ScramClient.withKeys(clientKey, verifier.serverKey()));
    }

    /** What the pooler does: authenticate a client against the verifier, then log in as it. */
    @Test
    void logsInToPostgresqlWithTheClientKeyRecoveredFromAClient() throws Exception {
        postgres.createRole("relayed", "relayed-secret");
        ScramVerifier verifier = storedVerifier("relayed");
        ScramServer pooler = new ScramServer(verifier, new SecureRandom());
        ScramClient client = ScramClient.withPassword("relayed-secret");
        client.verifyServerFinal(pooler.serverFinal(client.clientFinal(pooler.serverFirst(client.clientFirst())))
                .orElseThrow());

        logIn("relayed", ScramClient.withKeys(pooler.clientKey(), verifier.serverKey()));
    }

    @Test
    void honoursTheIterationCountOfTheServer() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        ScramVerifier verifier = ScramVerifier.fromPassword("many-rounds", salt, 10_000);
        postgres.createRole("iterations", "placeholder");
        postgres.execute("ALTER ROLE iterations PASSWORD '" + verifier + "'");
        assertThat(storedVerifier("iterations")).isEqualTo(verifier);

        String serverFirst = logIn("iterations", ScramClient.withPassword("many-rounds"));

        assertThat(serverFirst).endsWith(",s=" + Scram.base64(salt) + ",i=10000");
    }

    @Test
    void isRefusedByPostgresqlWithAWrongPassword() throws Exception {
        postgres.createRole("wrong_password", "right");

        try (Wire wire = Wire.startup(postgres, "wrong_password")) {
            ScramClient client = ScramClient.withPassword("wrong");
            wire.authentication(Protocol.AUTH_SASL);
            wire.saslInitialResponse(client.clientFirst());
            wire.saslResponse(client.clientFinal(wire.authentication(Protocol.AUTH_SASL_CONTINUE).text()));

            assertThat(wire.errorCode()).isEqualTo("28P01");
        }
    }

    @Test
    void refusesPostgresqlWhenTheServerKeyIsNotTheRolesOne() throws Exception {
        postgres.createRole("other_server_key", "its-secret");
        ScramVerifier verifier = storedVerifier("other_server_key");
        byte[] clientKey = Scram.clientKey(Scram.saltedPassword("its-secret", verifier.salt(), verifier.iterations()));
        ScramClient client = ScramClient.withKeys(clientKey, PENCIL_SERVER_KEY);

        try (Wire wire = Wire.startup(postgres, "other_server_key")) {
            wire.authentication(Protocol.AUTH_SASL);
            wire.saslInitialResponse(client.clientFirst());
            wire.saslResponse(client.clientFinal(wire.authentication(Protocol.AUTH_SASL_CONTINUE).text()));
            String serverFinal = wire.authentication(Protocol.AUTH_SASL_FINAL).text();

            assertThatThrownBy(() -> client.verifyServerFinal(serverFinal)).isInstanceOf(ScramException.class);
        }
    }

    private static ScramVerifier storedVerifier(String role) {
        return ScramVerifier.parse(postgres.query("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'"));
    }

    /** Runs the whole SCRAM exchange with PostgreSQL up to AuthenticationOk; returns the server-first message. */
    private static String logIn(String role, ScramClient client) throws IOException, ScramException {
        try (Wire wire = Wire.startup(postgres, role)) {
            assertThat(wire.authentication(Protocol.AUTH_SASL).text()).isEqualTo(Scram.MECHANISM + "\0\0");
            wire.saslInitialResponse(client.clientFirst());
            String serverFirst = wire.authentication(Protocol.AUTH_SASL_CONTINUE).text();
            wire.saslResponse(client.clientFinal(serverFirst));
            client.verifyServerFinal(wire.authentication(Protocol.AUTH_SASL_FINAL).text());
            wire.authentication(Protocol.AUTH_OK);
            return serverFirst;
        }
    }

    /**
     * A bare protocol 3.0 connection to PostgreSQL over TCP, enough to drive an authentication
     * exchange by hand: StartupMessage, then Authentication requests and the client's answers.
     */
    static final class Wire implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private boolean closedByServer;

        /** The data of an Authentication message, after its request code. */
        record Request(byte[] data) {
            String text() {
                return new String(data, StandardCharsets.UTF_8);
            }
        }

        private Wire(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        /** Connects and sends a StartupMessage for {@code user} in database {@code postgres}. */
        static Wire startup(PostgresServer server, String user) throws IOException {
            Socket socket = new Socket(server.host(), server.port());
            socket.setSoTimeout(30_000);
            Wire wire = new Wire(socket);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(ByteBuffer.allocate(4).putInt(Protocol.PROTOCOL_3_0).array());
            body.writeBytes(cstrings("user", user, "database", "postgres", ""));
            wire.out.writeInt(4 + body.size());
            body.writeTo(wire.out);
            wire.out.flush();
            return wire;
        }

        /** Reads an Authentication message with the given request code; any other message fails the test. */
        Request authentication(int expectedCode) throws IOException {
            ByteBuffer message = read(Protocol.AUTHENTICATION);
            assertThat(message.getInt()).as("authentication request code").isEqualTo(expectedCode);
            return new Request(Arrays.copyOfRange(message.array(), message.position(), message.limit()));
        }

        /** Reads an ErrorResponse and returns its SQLSTATE. */
        String errorCode() throws IOException {
            return fields(read(Protocol.ERROR_RESPONSE)).get('C');
        }

        void saslInitialResponse(String clientFirst) throws IOException {
            byte[] data = clientFirst.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(cstrings(Scram.MECHANISM));
            body.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
            body.writeBytes(data);
            send(Protocol.PASSWORD_MESSAGE, body.toByteArray());
        }

        void saslResponse(String data) throws IOException {
            send(Protocol.PASSWORD_MESSAGE, data.getBytes(StandardCharsets.UTF_8));
        }

        void passwordMessage(String password) throws IOException {
            send(Protocol.PASSWORD_MESSAGE, cstrings(password));
        }

        private void send(byte type, byte[] body) throws IOException {
            out.writeByte(type);
            out.writeInt(4 + body.length);
            out.write(body);
            out.flush();
        }

        private ByteBuffer read(byte expectedType) throws IOException {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            ByteBuffer message = ByteBuffer.wrap(body);
            closedByServer = type == Protocol.ERROR_RESPONSE;
            if (type != expectedType) {
                throw new AssertionError("expected message '" + (char) expectedType + "' but PostgreSQL sent '"
                        + (char) type + "'" + (type == Protocol.ERROR_RESPONSE ? ": " + fields(message) : ""));
            }
            return message;
        }

        private static Map<Character, String> fields(ByteBuffer errorResponse) {
            Map<Character, String> fields = new LinkedHashMap<>();
            String[] parts = new String(errorResponse.array(), StandardCharsets.UTF_8).split("\0");
            for (String part : parts) {
                if (!part.isEmpty()) {
                    fields.put(part.charAt(0), part.substring(1));
                }
            }
            return fields;
        }

        private static byte[] cstrings(String... strings) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String string : strings) {
                bytes.writeBytes(string.getBytes(StandardCharsets.UTF_8));
                bytes.write(0);
            }
            return bytes.toByteArray();
        }

        /** Sends Terminate unless the server ended the session, so that it logs no unexpected EOF, and closes. */
        @Override
        public void close() throws IOException {
            try (socket) {
                if (!closedByServer) {
                    send(Protocol.TERMINATE, new byte[0]);
                }
            }
        }
    }
}
