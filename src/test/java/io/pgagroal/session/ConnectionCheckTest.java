package io.pgagroal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.pgagroal.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The check's reply arrives in whatever pieces the socket gives: the check must end exactly at the
 * last byte of ReadyForQuery, so that what follows reaches the handler behind it whole.
 */
class ConnectionCheckTest {

    /** SELECT 1's reply up to ReadyForQuery's header: RowDescription, DataRow, CommandComplete, 'Z' and its length. */
    private static final byte[] REPLY_BEFORE_STATUS = concat(
            message('T', new byte[] {0, 1, '?', 'c', 'o', 'l', 'u', 'm', 'n', '?', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, -1, -1, -1, -1, 0, 0}),
            message('D', new byte[] {0, 1, 0, 0, 0, 1, '1'}),
            message('C', "SELECT 1\0".getBytes(StandardCharsets.US_ASCII)),
            new byte[] {'Z', 0, 0, 0, 5});

    private final List<ByteBuf> behind = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            behind.add((ByteBuf) msg);
        }
    });

    @Test
    void endsWithReadyForQuerysLastByteAndLeavesWhatFollowsToTheHandlerBehind() {
        Future<Boolean> alive = ConnectionCheck.run(channel, Duration.ofSeconds(5));
        ByteBuf sent = channel.readOutbound();
        assertThat(sent.toString(StandardCharsets.US_ASCII)).startsWith("Q").contains("SELECT 1");
        sent.release();

        for (byte b : REPLY_BEFORE_STATUS) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(alive).as("ReadyForQuery's status byte has not come").isNotDone();
        byte[] notice = message('N', "SNOTICE\0\0".getBytes(StandardCharsets.US_ASCII));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'I'}), Unpooled.wrappedBuffer(notice));

        assertThat(alive.getNow()).isTrue();
        assertThat(behind).hasSize(1);
        assertThat(bytes(behind.get(0))).as("the next message, whole").isEqualTo(notice);
        assertThat(channel.pipeline().get(ConnectionCheck.class)).isNull();
    }

    @Test
    void anErrorResponseMakesTheConnectionDead() {
        Future<Boolean> alive = ConnectionCheck.run(channel, Duration.ofSeconds(5));
        ((ByteBuf) channel.readOutbound()).release();
        ByteBuf error = Messages.errorResponse(ByteBufAllocator.DEFAULT, "ERROR", "57P01", "terminating");
        channel.writeInbound(Unpooled.wrappedBuffer(error, Unpooled.wrappedBuffer(new byte[] {'Z', 0, 0, 0, 5, 'I'})));

        assertThat(alive.getNow()).isFalse();
        assertThat(behind).isEmpty();
    }

    @Test
    void noReplyInTimeMakesTheConnectionDead() throws Exception {
        Future<Boolean> alive = ConnectionCheck.run(channel, Duration.ofMillis(50));
        ((ByteBuf) channel.readOutbound()).release();
        channel.writeInbound(Unpooled.wrappedBuffer(REPLY_BEFORE_STATUS));
        TimeUnit.MILLISECONDS.sleep(100);
        channel.runScheduledPendingTasks();

        assertThat(alive.getNow()).isFalse();
    }

    @Test
    void anImpossibleLengthMakesTheConnectionDead() {
        Future<Boolean> alive = ConnectionCheck.run(channel, Duration.ofSeconds(5));
        ((ByteBuf) channel.readOutbound()).release();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'T', 0, 0, 0, 2}));

        assertThat(alive.getNow()).isFalse();
    }

    private static byte[] message(char type, byte[] body) {
        ByteBuf message = Unpooled.buffer().writeByte(type).writeInt(4 + body.length).writeBytes(body);
        return bytes(message);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return bytes(all);
    }
}
