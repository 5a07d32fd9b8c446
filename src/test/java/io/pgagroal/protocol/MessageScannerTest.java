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
    private static class Recorder implements MessageScanner.Visitor {
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
            Recorder recorder = new Recorder();
            int stopAt = scanInChunks(new MessageScanner(), whole, size, recorder);
            assertThat(recorder.messages).as("chunk size %d", size).containsExactlyElementsOf(EXPECTED);
            assertThat(whole.getByte(stopAt)).as("chunk size %d", size).isEqualTo((byte) 'X');
        }
        whole.release();
    }

    /** Scans whole in chunks of size; returns the index in whole where the visitor stopped, or -1. */
    private static int scanInChunks(MessageScanner scanner, ByteBuf whole, int size, MessageScanner.Visitor visitor) {
        int total = whole.readableBytes();
        for (int offset = 0; offset < total; offset += size) {
            ByteBuf chunk = whole.slice(offset, Math.min(size, total - offset));
            int stop = scanner.scan(chunk, visitor);
            if (stop >= 0) {
                return offset + stop - chunk.readerIndex();
            }
        }
        return -1;
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

    /** Asks for the first 6 body bytes of Query and Parse, and records them with where they were read from. */
    private static final class HeadRecorder extends Recorder {
        final List<String> heads = new ArrayList<>();
        final List<ByteBuf> sources = new ArrayList<>();

        @Override
        public int headLength(byte type) {
            return type == 'Q' || type == 'P' ? 6 : 0;
        }

        @Override
        public void onHead(byte type, int bodyLength, ByteBuf buf, int index, int length) {
            heads.add((char) type + ":" + bodyLength + ":" + buf.toString(index, length, StandardCharsets.ISO_8859_1));
            sources.add(buf);
        }
    }

    private static ByteBuf queries() {
        ByteBuf buf = Unpooled.buffer();
        append(buf, Messages.query(buf.alloc(), "DROP DATABASE x"));
        append(buf, Messages.query(buf.alloc(), "Q"));
        buf.writeByte('P').writeInt(4 + 21).writeBytes("s1\0CREATE DATABASE\0".getBytes(StandardCharsets.ISO_8859_1)).writeShort(0);
        append(buf, ReadyForQuery.IN_TRANSACTION.encode(buf.alloc()));
        return buf;
    }

    private static final List<String> HEADS = List.of("Q:16:DROP D", "Q:2:Q\0", "P:21:s1\0CRE");

    @Test
    void showsTheHeadOfABodyInPlaceWhenTheChunkHoldsIt() {
        ByteBuf buf = queries();
        HeadRecorder recorder = new HeadRecorder();
        new MessageScanner().scan(buf, recorder);
        assertThat(recorder.heads).containsExactlyElementsOf(HEADS);
        assertThat(recorder.sources).as("not copied").containsOnly(buf);
        assertThat(recorder.messages).containsExactly("Q:16:", "Q:2:", "P:21:", "Z:1:T");
        buf.release();
    }

    @Test
    void gathersAHeadThatSpansChunksWhateverTheBoundaries() {
        ByteBuf whole = queries();
        int total = whole.readableBytes();
        for (int size = 1; size <= total; size++) {
            MessageScanner scanner = new MessageScanner();
            HeadRecorder recorder = new HeadRecorder();
            assertThat(scanInChunks(scanner, whole, size, recorder)).isEqualTo(-1);
            assertThat(recorder.heads).as("chunk size %d", size).containsExactlyElementsOf(HEADS);
            assertThat(recorder.messages).as("chunk size %d", size).containsExactly("Q:16:", "Q:2:", "P:21:", "Z:1:T");
            assertThat(scanner.atMessageBoundary()).isTrue();
        }
        whole.release();
    }
}
