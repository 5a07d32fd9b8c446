package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Follows message boundaries over the chunks Netty reads and cuts out only the messages the owner of
 * the stream acts on, without ever holding a whole message.
 *
 * <p>A chunk may end anywhere: between messages, inside a length field, deep inside a body. Framing
 * whole messages would keep every message until its last byte arrived (a 900 MiB Query costs 900 MiB
 * of heap) and would copy large results again and again as chunks are cumulated. The framer instead
 * keeps its position in the current message in a few fields, like {@link MessageScanner}, and passes
 * the bytes on as they come, in two forms:
 * <ul>
 *   <li>a <em>run</em>: bytes of messages the owner does not act on (DataRows, most of what a client
 *       sends), forwarded untouched. A run is one retained slice per stretch of such messages in a
 *       chunk, so a chunk of ten thousand DataRows costs one slice and one call, not ten thousand.
 *   <li>a cut message: the owner says at its type byte that it wants it, and then how much of it it
 *       needs to decide (the status of a ReadyForQuery, the statement name of a Parse). That
 *       <em>head</em> arrives in one contiguous buffer, and the <em>rest</em> of the message follows in
 *       pieces as it is read. A head lying in one chunk is a slice of it; only a head spanning chunks
 *       is copied, into a buffer of exactly its length, so memory is bounded by what the owner asked.
 * </ul>
 *
 * <p>Ownership: the framer releases every chunk it is fed; every buffer it hands to the handler is the
 * handler's to release or forward. The only buffer the framer holds between chunks is a head being
 * accumulated, which {@link #discard} releases when the stream ends. One instance serves one byte
 * stream and is confined to its event loop.
 */
public final class MessageFramer {

    /** What the owner of the stream does with it. All ByteBufs passed to it are owned by the handler (it must release or forward them). */
    public interface Handler {

        /**
         * Called at every message's type byte, in stream order. The bytes in front of a message that is
         * not cut may still be waiting to be delivered in a run, so this should only decide; the run in
         * front of a cut message is delivered before its {@link #head}.
         *
         * @return false to forward this message untouched as part of a run (see run), true to cut it out (see head/rest)
         */
        boolean cut(byte type);

        /**
         * For a cut message, once its int32 length is known: how many bytes, counted from the type byte, the handler wants
         * in one buffer. The framer clamps the answer to [5, 1 + length] (5 = type + length only; 1 + length = the whole message).
         */
        int headLength(byte type, int length);

        /** Bytes of messages that were not cut, in stream order; a run may start or end inside a message. Never empty. */
        void run(ByteBuf bytes);

        /**
         * The first headLength bytes of a cut message (type byte, length, then body bytes), contiguous. When the head is
         * the whole message ({@code head.readableBytes() == 1 + length}), no {@link #rest} follows.
         */
        void head(ByteBuf head, int length);

        /** Further bytes of the current cut message after its head, in order; last is true on the piece that ends the message. Never empty. */
        void rest(ByteBuf bytes, boolean last);
    }

    private byte type;
    private int length;
    /** Header bytes of the current message seen so far: 0 between messages, 5 once its length is known. */
    private int headerBytes;
    private boolean cut;
    /** Body bytes of the current message not yet passed on. */
    private int remaining;
    /** A head spanning chunks, while it is accumulated. */
    private ByteBuf head;

    /**
     * Frames the readable bytes of chunk, calling the handler in stream order; takes ownership of chunk (releases it).
     * The indexes of chunk are not moved.
     *
     * @throws CorruptedFrameException when a message length is impossible; the bytes of chunk not yet delivered are
     *     dropped with it and the stream cannot be framed further
     */
    public void feed(ByteBuf chunk, Handler handler) {
        try {
            int i = chunk.readerIndex();
            int end = chunk.writerIndex();
            int runStart = -1;
            while (i < end) {
                if (headerBytes == 0) {
                    type = chunk.getByte(i);
                    cut = handler.cut(type);
                    if (cut) {
                        runStart = flush(chunk, runStart, i, handler);
                    } else if (runStart < 0) {
                        runStart = i;
                    }
                    if (end - i >= 5) {
                        length = chunk.getInt(i + 1);
                        headerBytes = 5;
                        i = startBody(chunk, i, i + 5, end, handler);
                    } else {
                        length = 0;
                        headerBytes = 1;
                        i++;
                    }
                } else if (headerBytes < 5) {
                    if (!cut && runStart < 0) {
                        runStart = i;
                    }
                    length = (length << 8) | (chunk.getByte(i++) & 0xff);
                    if (++headerBytes == 5) {
                        i = startBody(chunk, -1, i, end, handler);
                    }
                } else if (!cut) {
                    if (runStart < 0) {
                        runStart = i;
                    }
                    int n = Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        headerBytes = 0;
                    }
                } else if (head != null) {
                    i = fill(chunk, i, end, handler);
                } else {
                    int n = Math.min(remaining, end - i);
                    ByteBuf piece = chunk.retainedSlice(i, n);
                    i += n;
                    remaining -= n;
                    boolean last = remaining == 0;
                    if (last) {
                        headerBytes = 0;
                    }
                    handler.rest(piece, last);
                }
            }
            flush(chunk, runStart, end, handler);
        } finally {
            chunk.release();
        }
    }

    /** True when the stream stands between two messages. */
    public boolean atMessageBoundary() {
        return headerBytes == 0;
    }

    /**
     * Releases the part of a head accumulated across chunks, if any. Call it when the stream ends (the channel closed
     * inside a cut message); the framer is not fed afterwards.
     */
    public void discard() {
        if (head != null) {
            head.release();
            head = null;
        }
    }

    /** Delivers the run from start (if any) to end, and returns -1: no run pending. */
    private static int flush(ByteBuf chunk, int start, int end, Handler handler) {
        if (start >= 0) {
            handler.run(chunk.retainedSlice(start, end - start));
        }
        return -1;
    }

    /**
     * Starts the body once the length is known, at index i of chunk; start is the index of the type byte when the
     * header lies in chunk, -1 when it came over several chunks. Returns the index to go on from.
     */
    private int startBody(ByteBuf chunk, int start, int i, int end, Handler handler) {
        if (length < 4) {
            throw new CorruptedFrameException("invalid message length " + length + " for message type '" + (char) type + "'");
        }
        remaining = length - 4;
        if (!cut) {
            if (remaining == 0) {
                headerBytes = 0;
            }
            return i;
        }
        int headLength = (int) Math.min(Math.max(handler.headLength(type, length), 5), 1L + length);
        int wanted = headLength - 5;
        if (start >= 0 && end - i >= wanted) {
            remaining -= wanted;
            if (remaining == 0) {
                headerBytes = 0;
            }
            handler.head(chunk.retainedSlice(start, headLength), length);
            return i + wanted;
        }
        head = chunk.alloc().buffer(headLength, headLength).writeByte(type).writeInt(length);
        return fill(chunk, i, end, handler);
    }

    /** Copies what chunk holds of the head being accumulated, and delivers it once complete. */
    private int fill(ByteBuf chunk, int i, int end, Handler handler) {
        int n = Math.min(head.maxWritableBytes(), end - i);
        head.writeBytes(chunk, i, n);
        remaining -= n;
        if (head.maxWritableBytes() == 0) {
            ByteBuf complete = head;
            head = null;
            if (remaining == 0) {
                headerBytes = 0;
            }
            handler.head(complete, length);
        }
        return i + n;
    }
}
