package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Every refused client leaves an INFO line naming the user, the database and the address: failed
 * logins, refused startup packets, a full pool and authentication timeouts.
 */
class RefusalLogTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.PASSWORD)
            .configure(b -> b.set("max_connections", "1").set("blocking_timeout", "1")
                    .set("authentication_timeout", "1").set("allow_unknown_users", "off"));

    private static final ListAppender<ILoggingEvent> LINES = new ListAppender<>();
    private static final Logger SESSION = (Logger) LoggerFactory.getLogger("io.pgagroal.session");

    @BeforeAll
    static void start() throws Exception {
        PG.restartPooler(PoolerExtension.VAULT, b -> { }, "host all app all md5", "host all stranger all md5");
        LINES.setContext(SESSION.getLoggerContext());
        LINES.start();
        SESSION.addAppender(LINES);
    }

    @AfterAll
    static void stop() {
        SESSION.detachAppender(LINES);
    }

    /** Waits for an INFO line that starts with {@code start}. */
    private static String line(String start) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<ILoggingEvent> events;
            synchronized (LINES) {
                events = List.copyOf(LINES.list);
            }
            for (ILoggingEvent event : events) {
                if (event.getLevel() == Level.INFO && event.getFormattedMessage().startsWith(start)) {
                    return event.getFormattedMessage();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no INFO line starting with " + start);
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
