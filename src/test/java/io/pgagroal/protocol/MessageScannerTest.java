package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageScannerTest {

    /** Records what the scanner reports; stops at 'X'. */
    private static final class Recorder implements MessageScanner.Visitor {
        final List<String> messages = new ArrayList<>();

        @Override
        public boolean onType(byte type) {
            return type != 'X';
        }

        @Override
        public int peekLength(byte type) {
            return type == 'E' ? 8 : type == 'Z' ? 1 : 0;
        }

        @Override
        public void onMessage(byte type, int bodyLength, byte[] peek, int peekLength) {
            messages.add((char) type + ":" + bodyLength + ":" + new String(peek, 0, peekLength, StandardCharsets.ISO_8859_1));
        }
    }

    private static ByteBuf stream() {
        ByteBuf buf = Unpooled.buffer();
        append(buf, Messages.query(buf.alloc(), "SELECT 1"));
        append(buf, Messages.errorResponse(buf.alloc(), "FATAL", "57P01", "terminating"));
        append(buf, ReadyForQuery.IN_TRANSACTION.encode(buf.alloc()));
        buf.writeByte('D').writeInt(4);
        buf.writeBytes(Messages.terminate());
        buf.writeByte('Q');
        return buf;
    }

    private static void append(ByteBuf stream, ByteBuf message) {
        stream.writeBytes(message);
        message.release();
    }

    private static final List<String> EXPECTED = List.of("Q:9:", "E:35:SFATAL\0V", "Z:1:T", "D:0:");

    @Test
    void reportsEveryMessageAndStopsAtTerminate() {
        ByteBuf buf = stream();
        Recorder recorder = new Recorder();
        int stop = new MessageScanner().scan(buf, recorder);
        assertThat(recorder.messages).containsExactlyElementsOf(EXPECTED);
        assertThat(buf.getByte(stop)).isEqualTo((byte) 'X');
        buf.release();
    }

    @Test
    void sameResultWhateverTheChunkBoundaries() {
        ByteBuf whole = stream();
        int total = whole.readableBytes();
        for (int size = 1; size <= total; size++) {
            MessageScanner scanner = new MessageScanner();
            Recorder recorder = new Recorder();
            int stopAt = -1;
            for (int offset = 0; offset < total && stopAt < 0; offset += size) {
                ByteBuf chunk = whole.slice(offset, Math.min(size, total - offset));
                int stop = scanner.scan(chunk, recorder);
                if (stop >= 0) {
                    stopAt = offset + stop - chunk.readerIndex();
                }
            }
            assertThat(recorder.messages).as("chunk size %d", size).containsExactlyElementsOf(EXPECTED);
            assertThat(whole.getByte(stopAt)).as("chunk size %d", size).isEqualTo((byte) 'X');
        }
        whole.release();
    }

    @Test
    void boundaryIsKnownBetweenMessagesOnly() {
        MessageScanner scanner = new MessageScanner();
        Recorder recorder = new Recorder();
        ByteBuf buf = Unpooled.buffer().writeByte('D').writeInt(8).writeInt(1);
        scanner.scan(buf.slice(0, 6), recorder);
        assertThat(scanner.atMessageBoundary()).isFalse();
        scanner.scan(buf.slice(6, 3), recorder);
        assertThat(scanner.atMessageBoundary()).isTrue();
        buf.release();
    }

    @Test
    void rejectsImpossibleLength() {
        ByteBuf buf = Unpooled.buffer().writeByte('Q').writeInt(3);
        assertThatThrownBy(() -> new MessageScanner().scan(buf, new Recorder()))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("invalid message length 3");
        buf.release();
    }
}
