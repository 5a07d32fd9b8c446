package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageFramerTest {

    /** A message of a test stream, where it starts, and what the handler answers for it. */
    private record Msg(byte type, int start, int length, boolean cut, int asked) {
        int end() {
            return start + 1 + length;
        }

        int headLength() {
            return (int) Math.min(Math.max(asked, 5), 1L + length);
        }
    }

    private record Stream(byte[] bytes, List<Msg> messages) {
        /** Whether the first n bytes of the stream end between two messages. */
        boolean[] boundaries() {
            boolean[] at = new boolean[bytes.length + 1];
            at[0] = true;
            messages.forEach(m -> at[m.end()] = true);
            return at;
        }

        /** Runs a framer delivers when the stream comes in one chunk: one per stretch of messages not cut. */
        int stretches() {
            int n = 0;
            for (int j = 0; j < messages.size(); j++) {
                if (!messages.get(j).cut() && (j == 0 || messages.get(j - 1).cut())) {
                    n++;
                }
            }
            return n;
        }
    }

    private static final class StreamBuilder {
        private final ByteBuf buf = Unpooled.buffer();
        private final List<Msg> messages = new ArrayList<>();
        private final Random random = new Random(7);

        StreamBuilder add(char type, int bodyLength, boolean cut, int asked) {
            messages.add(new Msg((byte) type, buf.writerIndex(), 4 + bodyLength, cut, asked));
            buf.writeByte(type).writeInt(4 + bodyLength);
            for (int k = 0; k < bodyLength; k++) {
                buf.writeByte(random.nextInt(256));
            }
            return this;
        }

        Stream build() {
            byte[] bytes = ByteBufUtil.getBytes(buf);
            buf.release();
            return new Stream(bytes, List.copyOf(messages));
        }
    }

    /** Cut and uncut messages, empty bodies, heads of 5 bytes, of part of the body, of the whole message, clamped ones. */
    private static final Stream MIXED = new StreamBuilder()
            .add('Q', 9, true, Integer.MAX_VALUE)
            .add('D', 7, false, 0)
            .add('D', 2, false, 0)
            .add('S', 0, true, 5)
            .add('E', 40, true, 8)
            .add('H', 0, false, 0)
            .add('d', 100_000, false, 0)
            .add('P', 20, true, 5)
            .add('B', 3000, true, 20)
            .add('Z', 1, true, 6)
            .add('C', 9, false, 0)
            .add('X', 0, true, 1000)
            .add('S', 0, true, -3)
            .add('Q', 3000, true, Integer.MAX_VALUE)
            .add('D', 3, false, 0)
            .build();

    /**
     * Checks every callback against the stream as it comes: types and lengths, that runs hold only uncut messages and
     * are maximal within a chunk, that runs, rests and heads lying in one chunk are slices of it at the right place
     * (so the delivered bytes are the input bytes), what atMessageBoundary says meanwhile. Releases what it is given.
     */
    private static final class Checker implements MessageFramer.Handler {
        final MessageFramer framer = new MessageFramer();
        final Stream stream;
        final List<Msg> messages;
        final ByteArrayOutputStream delivered;
        int pos;
        int cuts;
        int current;
        int runs;
        int heads;
        int rests;
        ByteBuf chunk;
        int chunkStart;
        long chunkBase;
        boolean lastWasRun;

        Checker(Stream stream, boolean keepCopy) {
            this.stream = stream;
            this.messages = stream.messages();
            this.delivered = keepCopy ? new ByteArrayOutputStream() : null;
        }

        /** Feeds chunk, which holds the stream from offset on. */
        void feed(ByteBuf chunk, int offset) {
            this.chunk = chunk;
            chunkStart = offset;
            chunkBase = chunk.hasArray() ? chunk.arrayOffset() + chunk.readerIndex()
                    : chunk.hasMemoryAddress() ? chunk.memoryAddress() + chunk.readerIndex() : -1;
            lastWasRun = false;
            framer.feed(chunk, this);
        }

        void finish() {
            check(pos == stream.bytes().length, "everything delivered");
            check(cuts == messages.size(), "every type byte seen");
            check(framer.atMessageBoundary(), "ends at a boundary");
            if (delivered != null) {
                assertThat(delivered.toByteArray()).isEqualTo(stream.bytes());
            }
        }

        @Override
        public boolean cut(byte type) {
            check(cuts < messages.size(), "a message of the stream");
            Msg m = messages.get(cuts++);
            check(type == m.type(), "type of the message");
            check(pos <= m.start(), "cut before its bytes");
            check(framer.atMessageBoundary(), "at a boundary on cut");
            return m.cut();
        }

        @Override
        public int headLength(byte type, int length) {
            Msg m = messages.get(cuts - 1);
            check(m.cut() && type == m.type() && length == m.length(), "headLength for the message just cut");
            check(!framer.atMessageBoundary(), "inside the message on headLength");
            return m.asked();
        }

        @Override
        public void run(ByteBuf bytes) {
            int n = bytes.readableBytes();
            check(n > 0, "run not empty");
            check(!lastWasRun, "one run per stretch in a chunk");
            lastWasRun = true;
            advance();
            for (int j = current; j < messages.size() && messages.get(j).start() < pos + n; j++) {
                check(!messages.get(j).cut(), "run holds uncut messages only");
            }
            checkSlice(bytes);
            take(bytes);
            runs++;
        }

        @Override
        public void head(ByteBuf head, int length) {
            advance();
            Msg m = messages.get(current);
            int n = head.readableBytes();
            check(m.cut() && pos == m.start() && length == m.length(), "head of the next cut message");
            check(n == m.headLength(), "head length");
            check(cuts == current + 1, "head follows its cut");
            if (pos >= chunkStart && pos + n <= chunkStart + chunk.readableBytes()) {
                checkSlice(head);
            } else {
                check(head.refCnt() == 1 && head.capacity() == n, "an accumulated head is the handler's own and exact");
                checkContent(head);
            }
            check(framer.atMessageBoundary() == (n == 1 + length), "boundary after a head");
            take(head);
            heads++;
            lastWasRun = false;
        }

        @Override
        public void rest(ByteBuf bytes, boolean last) {
            advance();
            Msg m = messages.get(current);
            int n = bytes.readableBytes();
            check(n > 0, "rest not empty");
            check(m.cut() && pos >= m.start() + m.headLength() && pos + n <= m.end(), "rest of a cut message after its head");
            checkSlice(bytes);
            take(bytes);
            check(last == (pos == m.end()), "last on the piece ending the message");
            check(framer.atMessageBoundary() == last, "boundary after the last rest");
            rests++;
            lastWasRun = false;
        }

        private void advance() {
            while (current < messages.size() && messages.get(current).end() <= pos) {
                current++;
            }
        }

        private void take(ByteBuf bytes) {
            if (delivered != null) {
                delivered.writeBytes(ByteBufUtil.getBytes(bytes));
            }
            pos += bytes.readableBytes();
            bytes.release();
        }

        /** The bytes are the chunk's own, at the place of pos in it: a slice, and the right bytes. */
        private void checkSlice(ByteBuf bytes) {
            int offset = pos - chunkStart;
            check(offset >= 0 && offset + bytes.readableBytes() <= chunk.readableBytes(), "slice inside the chunk");
            if (chunk.hasArray()) {
                check(bytes.hasArray() && bytes.array() == chunk.array()
                        && bytes.arrayOffset() + bytes.readerIndex() == chunkBase + offset, "slice of the chunk");
            } else if (chunk.hasMemoryAddress()) {
                check(bytes.hasMemoryAddress() && bytes.memoryAddress() + bytes.readerIndex() == chunkBase + offset,
                        "slice of the chunk");
            } else {
                checkContent(bytes);
            }
        }

        private void checkContent(ByteBuf bytes) {
            int n = bytes.readableBytes();
            check(Arrays.equals(ByteBufUtil.getBytes(bytes), 0, n, stream.bytes(), pos, pos + n), "content");
        }

        private void check(boolean ok, String what) {
            if (!ok) {
                throw new AssertionError(what + " (stream offset " + pos + ")");
            }
        }
    }

    /** Heap buffers, not tracked by the leak detector (fast) but counted: used memory tells what is not released. */
    private static UnpooledByteBufAllocator countingHeap() {
        return new UnpooledByteBufAllocator(false, true);
    }

    @Test
    void wholeStreamInOneChunk() {
        Checker checker = new Checker(MIXED, true);
        ByteBuf chunk = Unpooled.wrappedBuffer(MIXED.bytes());
        checker.feed(chunk, 0);
        checker.finish();
        assertThat(checker.runs).isEqualTo(MIXED.stretches());
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void everySplitIntoTwoChunks() {
        UnpooledByteBufAllocator alloc = countingHeap();
        byte[] bytes = MIXED.bytes();
        ByteBuf input = alloc.heapBuffer(bytes.length).writeBytes(bytes);
        for (int split = 0; split <= bytes.length; split++) {
            Checker checker = new Checker(MIXED, false);
            try {
                checker.feed(input.retainedSlice(0, split), 0);
                checker.feed(input.retainedSlice(split, bytes.length - split), split);
                checker.finish();
            } catch (AssertionError e) {
                throw new AssertionError("split at " + split + ": " + e.getMessage(), e);
            }
        }
        assertThat(input.refCnt()).isOne();
        input.release();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void oneByteAtATime() {
        UnpooledByteBufAllocator alloc = countingHeap();
        byte[] bytes = MIXED.bytes();
        ByteBuf input = alloc.heapBuffer(bytes.length).writeBytes(bytes);
        boolean[] boundaries = MIXED.boundaries();
        Checker checker = new Checker(MIXED, true);
        for (int offset = 0; offset < bytes.length; offset++) {
            checker.feed(input.retainedSlice(offset, 1), offset);
            if (checker.framer.atMessageBoundary() != boundaries[offset + 1]) {
                throw new AssertionError("atMessageBoundary after byte " + offset);
            }
        }
        checker.finish();
        assertThat(checker.runs + checker.heads + checker.rests).isLessThanOrEqualTo(bytes.length);
        assertThat(input.refCnt()).isOne();
        input.release();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void randomChunkingsOfLeakTrackedChunks() {
        byte[] bytes = MIXED.bytes();
        for (int seed = 0; seed < 60; seed++) {
            // direct buffers of this allocator are tracked by the (paranoid) leak detector and counted
            UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
            Random random = new Random(seed);
            Checker checker = new Checker(MIXED, true);
            List<ByteBuf> chunks = new ArrayList<>();
            try {
                for (int offset = 0; offset < bytes.length; ) {
                    int size = Math.min(bytes.length - offset, 1 + random.nextInt(random.nextInt(3) == 0 ? 8 : 30_000));
                    ByteBuf chunk = alloc.directBuffer(size).writeBytes(bytes, offset, size);
                    chunks.add(chunk);
                    checker.feed(chunk, offset);
                    offset += size;
                }
                checker.finish();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
            assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.refCnt()).isZero());
            assertThat(alloc.metric().usedDirectMemory()).as("seed %d", seed).isZero();
        }
    }

    @Test
    void resultOfManyDataRowsIsOneRun() {
        StreamBuilder builder = new StreamBuilder();
        for (int k = 0; k < 10_000; k++) {
            builder.add('D', 2, false, 0);
        }
        Stream result = builder.add('C', 9, false, 0).add('Z', 1, true, 6).build();
        List<ByteBuf> runs = new ArrayList<>();
        List<ByteBuf> heads = new ArrayList<>();
        MessageFramer framer = new MessageFramer();
        ByteBuf chunk = Unpooled.wrappedBuffer(result.bytes());
        framer.feed(chunk, new MessageFramer.Handler() {
            @Override
            public boolean cut(byte type) {
                return type == 'Z';
            }

            @Override
            public int headLength(byte type, int length) {
                return 1 + length;
            }

            @Override
            public void run(ByteBuf bytes) {
                runs.add(bytes);
            }

            @Override
            public void head(ByteBuf head, int length) {
                heads.add(head);
            }

            @Override
            public void rest(ByteBuf bytes, boolean last) {
                throw new AssertionError("no rest");
            }
        });
        assertThat(runs).hasSize(1);
        assertThat(heads).hasSize(1);
        assertThat(runs.getFirst().readableBytes()).isEqualTo(result.bytes().length - 6);
        assertThat(ByteBufUtil.getBytes(heads.getFirst())).containsExactly('Z', 0, 0, 0, 5, result.bytes()[result.bytes().length - 1]);
        assertThat(chunk.refCnt()).isEqualTo(2);
        runs.getFirst().release();
        heads.getFirst().release();
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void handlerMaySendRunsElsewhereAfterAHead() {
        Stream stream = new StreamBuilder()
                .add('D', 3, false, 0).add('C', 5, false, 0).add('Z', 1, true, 6).add('D', 4, false, 0).add('N', 7, false, 0)
                .build();
        byte[] bytes = stream.bytes();
        int z = stream.messages().get(2).start();
        for (int split = 0; split <= bytes.length; split++) {
            ByteArrayOutputStream before = new ByteArrayOutputStream();
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            ByteArrayOutputStream[] target = {before};
            MessageFramer.Handler handler = new MessageFramer.Handler() {
                @Override
                public boolean cut(byte type) {
                    return type == 'Z';
                }

                @Override
                public int headLength(byte type, int length) {
                    return 6;
                }

                @Override
                public void run(ByteBuf bytes) {
                    target[0].writeBytes(ByteBufUtil.getBytes(bytes));
                    bytes.release();
                }

                @Override
                public void head(ByteBuf head, int length) {
                    head.release();
                    target[0] = after;
                }

                @Override
                public void rest(ByteBuf bytes, boolean last) {
                    throw new AssertionError("no rest");
                }
            };
            MessageFramer framer = new MessageFramer();
            framer.feed(Unpooled.wrappedBuffer(bytes, 0, split), handler);
            framer.feed(Unpooled.wrappedBuffer(bytes, split, bytes.length - split), handler);
            assertThat(before.toByteArray()).as("split %d", split).isEqualTo(Arrays.copyOfRange(bytes, 0, z));
            assertThat(after.toByteArray()).as("split %d", split).isEqualTo(Arrays.copyOfRange(bytes, z + 6, bytes.length));
        }
    }

    @Test
    void partialHeaderOfAnUncutMessageIsForwardedAtOnce() {
        Stream stream = new StreamBuilder().add('D', 4, false, 0).build();
        Checker checker = new Checker(stream, true);
        checker.feed(Unpooled.wrappedBuffer(stream.bytes(), 0, 3), 0);
        assertThat(checker.pos).isEqualTo(3);
        assertThat(checker.framer.atMessageBoundary()).isFalse();
        checker.feed(Unpooled.wrappedBuffer(stream.bytes(), 3, 6), 3);
        checker.finish();
    }

    @Test
    void atMessageBoundaryOnlyBetweenMessages() {
        Stream stream = new StreamBuilder().add('S', 0, true, 5).add('D', 4, false, 0).add('Z', 1, true, 5).build();
        boolean[] boundaries = stream.boundaries();
        Checker checker = new Checker(stream, false);
        assertThat(checker.framer.atMessageBoundary()).isTrue();
        for (int offset = 0; offset < stream.bytes().length; offset++) {
            checker.feed(Unpooled.wrappedBuffer(stream.bytes(), offset, 1), offset);
            assertThat(checker.framer.atMessageBoundary()).as("after byte %d", offset).isEqualTo(boundaries[offset + 1]);
        }
        checker.finish();
    }

    @Test
    void impossibleLengthIsCorruptAndLeaksNothing() {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        for (boolean cut : new boolean[] {false, true}) {
            // in one chunk, after a message that is not cut
            ByteBuf chunk = alloc.directBuffer().writeByte('D').writeInt(6).writeShort(0).writeByte('Q').writeInt(3);
            Checker checker = new Checker(new StreamBuilder().add('D', 2, false, 0).add('Q', 0, cut, 5).build(), false);
            assertThatThrownBy(() -> checker.feed(chunk, 0))
                    .isInstanceOf(CorruptedFrameException.class)
                    .hasMessage("invalid message length 3 for message type 'Q'");
            assertThat(chunk.refCnt()).isZero();

            // the length split over two chunks
            ByteBuf first = alloc.directBuffer().writeByte('P').writeShort(0);
            ByteBuf second = alloc.directBuffer().writeShort(2).writeInt(0);
            Checker split = new Checker(new StreamBuilder().add('P', 0, cut, 5).build(), false);
            split.feed(first, 0);
            assertThatThrownBy(() -> split.feed(second, 3))
                    .isInstanceOf(CorruptedFrameException.class)
                    .hasMessageContaining("'P'");
            assertThat(first.refCnt()).isZero();
            assertThat(second.refCnt()).isZero();
        }
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    @Test
    void discardReleasesAHeadSpanningChunks() {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        Stream stream = new StreamBuilder().add('Q', 100, true, Integer.MAX_VALUE).build();
        Checker checker = new Checker(stream, false);
        checker.feed(alloc.directBuffer().writeBytes(stream.bytes(), 0, 50), 0);
        assertThat(checker.heads).isZero();
        assertThat(alloc.metric().usedDirectMemory()).isPositive();
        checker.framer.discard();
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }
}
