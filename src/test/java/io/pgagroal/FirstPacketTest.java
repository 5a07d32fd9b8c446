package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.protocol.Protocol;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The first packet of a client connection, spoken byte by byte (spec §5.1). */
class FirstPacketTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.TRUST)
            .configure(b -> b.set("authentication_timeout", "1"));

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", PG.pooler().port());
        socket.setSoTimeout(5000);
        return socket;
    }

    @Test
    void sslAndGssEncRequestsAreDeclinedThenStartupWorks() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.writeInt(8);
            out.writeInt(Protocol.GSSENC_REQUEST_CODE);
            assertThat(in.readByte()).isEqualTo((byte) 'N');
            out.writeInt(8);
            out.writeInt(Protocol.SSL_REQUEST_CODE);
            assertThat(in.readByte()).isEqualTo((byte) 'N');
            byte[] body = "user\0app\0database\0appdb\0\0".getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + body.length);
            out.writeInt(Protocol.PROTOCOL_3_0);
            out.write(body);
            assertThat(in.readByte()).as("AuthenticationOk").isEqualTo((byte) 'R');
            assertThat(in.readInt()).isEqualTo(8);
            assertThat(in.readInt()).isZero();
        }
        Properties properties = new Properties();
        properties.setProperty("user", PoolerExtension.USER);
        properties.setProperty("sslmode", "prefer");
        DriverManager.getConnection(PG.endpoint().jdbcUrl(), properties).close();
    }

    @Test
    void unsupportedProtocolGetsAnError() throws Exception {
        String error = exchange(out -> {
            out.writeInt(8);
            out.writeInt(2 << 16);
        });
        assertThat(error).contains("0A000").contains("unsupported frontend protocol 2.0");
    }

    @Test
    void impossibleLengthGetsAnError() throws Exception {
        String error = exchange(out -> {
            out.writeInt(1_000_000);
            out.writeInt(Protocol.PROTOCOL_3_0);
        });
        assertThat(error).contains("08P01").contains("invalid length of startup packet");
    }

    @Test
    void terminateInPlaceOfStartupClosesQuietly() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeByte(Protocol.TERMINATE);
            out.writeInt(4);
            assertThat(socket.getInputStream().read()).as("end of stream, nothing written").isEqualTo(-1);
        }
    }

    @Test
    void startupWithoutUserGetsAnError() throws Exception {
        String error = exchange(out -> {
            byte[] body = "database\0appdb\0\0".getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + body.length);
            out.writeInt(Protocol.PROTOCOL_3_0);
            out.write(body);
        });
        assertThat(error).contains("28000").contains("no PostgreSQL user name specified");
    }

    @Test
    void silentClientIsDisconnectedAfterAuthenticationTimeout() throws Exception {
        long start = System.nanoTime();
        String error = exchange(out -> { });
        assertThat(error).contains("authentication timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(4));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Sends something, then reads one ErrorResponse and the end of the connection. */
    private static String exchange(Writer writer) throws IOException {
        try (Socket socket = connect()) {
            writer.write(new DataOutputStream(socket.getOutputStream()));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(in.readByte()).isEqualTo(Protocol.ERROR_RESPONSE);
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            assertThat(body[body.length - 1]).as("terminated field list").isZero();
            try {
                in.readByte();
                throw new AssertionError("the connection stayed open");
            } catch (EOFException expected) {
                return new String(body, StandardCharsets.UTF_8);
            }
        }
    }
}
