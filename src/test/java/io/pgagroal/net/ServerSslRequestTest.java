package io.pgagroal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.security.ServerTls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSLRequest exchange, byte by byte: what the server's one-byte answer leads to under each mode,
 * and that the handlers behind see the connection active only once it may be used.
 */
class ServerSslRequestTest {

    @TempDir
    Path dir;

    /** Records whether channelActive got through. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }
    }

    private final Behind behind = new Behind();
    private EmbeddedChannel channel;
    private ChannelFuture ready;

    private void open(String mode) throws ConfigException {
        PgagroalConfig config = PgagroalConfig.builder().set("host", "localhost").set("port", "2345")
                .set("unix_socket_dir", dir.toString()).server("db", "127.0.0.1", 5432).serverSet("tls_mode", mode)
                .hba("host all all all trust").build();
        ServerConfig server = config.servers().get(0);
        Map<String, ServerTls> tls = ServerTls.forServers(config);
        ServerSslRequest request = new ServerSslRequest(server, tls.get("db"));
        channel = new EmbeddedChannel(request, behind);
        ready = request.ready(channel.newSucceededFuture(), channel.eventLoop());
        channel.runPendingTasks();
        ByteBuf sslRequest = channel.readOutbound();
        assertThat(sslRequest.readInt()).isEqualTo(8);
        assertThat(sslRequest.readInt()).isEqualTo(Protocol.SSL_REQUEST_CODE);
        sslRequest.release();
        assertThat(behind.active).isFalse();
        assertThat(ready.isDone()).isFalse();
    }

    private void answer(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes.getBytes()));
        channel.runPendingTasks();
    }

    @Test
    void requireRefusesAServerThatDeclines() throws ConfigException {
        open("require");
        answer("N");
        assertThat(ready.cause()).hasMessage("PostgreSQL server db does not accept TLS (tls_mode = require)");
        assertThat(behind.active).as("nothing is written in cleartext").isFalse();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void preferGoesOnInCleartextWhenTheServerDeclines() throws ConfigException {
        open("prefer");
        answer("N");
        assertThat(ready.isSuccess()).isTrue();
        assertThat(behind.active).isTrue();
        assertThat(channel.pipeline().get(ServerSslRequest.class)).as("gone once done").isNull();
        assertThat(channel.pipeline().get(SslHandler.class)).isNull();
    }

    @Test
    void acceptedTlsStartsAHandshakeBeforeAnythingElse() throws ConfigException {
        open("require");
        answer("S");
        assertThat(channel.pipeline().first()).isInstanceOf(SslHandler.class);
        ByteBuf clientHello = channel.readOutbound();
        assertThat(clientHello.getByte(0)).as("a TLS handshake record").isEqualTo((byte) 22);
        clientHello.release();
        assertThat(behind.active).isFalse();
        assertThat(ready.isDone()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void bytesAfterTheAnswerAreRefused() throws ConfigException {
        open("prefer");
        answer("SE");
        assertThat(ready.cause()).hasMessage("PostgreSQL server db sent unexpected data after its answer to SSLRequest");
        assertThat(channel.pipeline().get(SslHandler.class)).isNull();
        assertThat(behind.active).isFalse();
    }

    @Test
    void anotherAnswerIsRefused() throws ConfigException {
        open("prefer");
        answer("E");
        assertThat(ready.cause()).hasMessage("PostgreSQL server db answered SSLRequest with 'E'");
        assertThat(behind.active).isFalse();
    }
}
