package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.testing.LogLines;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every refused client leaves an INFO line naming the user, the database and the address: failed
 * logins, refused startup packets, a full pool and authentication timeouts.
 */
class RefusalLogTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.PASSWORD)
            .configure(b -> b.set("max_connections", "1").set("blocking_timeout", "1")
                    .set("authentication_timeout", "1").set("allow_unknown_users", "off"));

    private static LogLines lines;

    @BeforeAll
    static void start() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> { }, "host all app all md5", "host all stranger all md5");
        lines = LogLines.capture("io.pgagroal.session");
    }

    @AfterAll
    static void stop() {
        lines.close();
    }

    private static String line(String start) throws InterruptedException {
        return lines.await(Level.INFO, start);
    }

    private static void refused(String user, String password) {
        assertThatThrownBy(() -> PG.connect(user, password, new Properties()).close()).isInstanceOf(SQLException.class);
    }

    @Test
    void wrongPassword() throws Exception {
        refused(PoolerExtension.USER, "wrong");
        assertThat(line("connect: refused user=app database=appdb address=127.0.0.1: "))
                .endsWith("password authentication failed for user \"app\"");
    }

    @Test
    void noHbaEntry() throws Exception {
        refused("other", "x");
        assertThat(line("connect: refused user=other database=appdb address=127.0.0.1: "))
                .contains("no pgagroal_hba.conf entry");
    }

    @Test
    void unknownUserRefused() throws Exception {
        refused("stranger", "x");
        assertThat(line("connect: refused user=stranger database=appdb address=127.0.0.1: "))
                .contains("is not known to pgagroal");
    }

    @Test
    void unsupportedProtocol() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", PG.pooler().port())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(2 << 16);
            assertThat(new DataInputStream(socket.getInputStream()).readByte()).isEqualTo((byte) 'E');
        }
        assertThat(line("refused startup packet: address=127.0.0.1: ")).endsWith("unsupported frontend protocol 2.0: the pooler supports 3.0");
    }

    @Test
    void authenticationTimeoutBeforeTheStartupPacket() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", PG.pooler().port())) {
            socket.setSoTimeout(5000);
            assertThat(new DataInputStream(socket.getInputStream()).readByte()).isEqualTo((byte) 'E');
        }
        assertThat(line("authentication timeout: address=")).isEqualTo("authentication timeout: address=127.0.0.1");
    }

    @Test
    void authenticationTimeoutDuringTheLogin() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", PG.pooler().port())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = "user\0app\0database\0appdb\0\0".getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + body.length);
            out.writeInt(Protocol.PROTOCOL_3_0);
            out.write(body);
            assertThat(in.readByte()).as("AuthenticationMD5Password").isEqualTo((byte) 'R');
            in.skipNBytes(in.readInt() - 4);
            assertThat(in.readByte()).as("ErrorResponse after the timeout").isEqualTo((byte) 'E');
        }
        assertThat(line("authentication timeout: user=")).isEqualTo("authentication timeout: user=app database=appdb address=127.0.0.1");
    }

    @Test
    void poolFull() throws Exception {
        try (Connection holder = PG.connect()) {
            assertThatThrownBy(PG::connect).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
        }
        assertThat(line("pool full: user=app database=appdb address=127.0.0.1: ")).contains("pool is full");
    }
}
