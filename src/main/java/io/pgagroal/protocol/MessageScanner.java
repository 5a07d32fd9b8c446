package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Follows message boundaries in a relayed byte stream without copying or decoding it.
 *
 * <p>The relay forwards chunks as they are read, and a chunk may end anywhere: inside a type byte's
 * length field, inside a body, or between messages. The scanner keeps the position in the current
 * message across chunks (a few ints) and tells a {@link Visitor} about each message: its type byte
 * as soon as it is seen (so the relay can stop in front of a Terminate), then its length and, when
 * the visitor asks for it, the first few bytes of its body (the severity of an ErrorResponse, the
 * status of a ReadyForQuery). Only those few bytes are copied, into a buffer owned by the scanner.
 * A visitor may also ask to see a longer <em>head</em> of a body (the start of a query's text): it
 * is shown in place when the chunk holds it, and copied only when it spans chunks. The scanner is
 * confined to one event loop, like the session that owns it.
 */
public final class MessageScanner {

    /** The most body bytes a visitor may ask to see. */
    public static final int MAX_PEEK = 64;
    /** The longest head a visitor may ask to see. */
    public static final int MAX_HEAD = 1024;

    /** What the relay wants to know about the messages it forwards. */
    public interface Visitor {

        /** Called at a message's type byte; false stops the scan in front of this message. */
        boolean onType(byte type);

        /** How many body bytes {@link #onMessage} should see for this type (0 to {@link #MAX_PEEK}). */
        int peekLength(byte type);

        /**
         * Called once the header and the requested body bytes are known.
         *
         * @param peek the first {@code peekLength} body bytes; valid only during the call
         */
        void onMessage(byte type, int bodyLength, byte[] peek, int peekLength);

        /**
         * How many body bytes {@link #onHead} should see for this type (0 to {@link #MAX_HEAD}); a
         * type with a head has no peek.
         */
        default int headLength(byte type) {
            return 0;
        }

        /**
         * Called, after {@link #onMessage}, with the first {@code headLength} body bytes (all of
         * them when the body is shorter): {@code length} bytes at {@code index} of {@code buf},
         * which is the chunk being scanned or, when they spanned chunks, the scanner's own copy;
         * valid only during the call.
         */
        default void onHead(byte type, int bodyLength, ByteBuf buf, int index, int length) {
        }
    }

    private final byte[] peek = new byte[MAX_PEEK];
    /** A head spanning chunks, gathered; allocated the first time one does. */
    private ByteBuf head;
    private int headWanted;
    private int headerBytes;
    private byte type;
    private int length;
    private int peekWanted;
    private int peekLength;
    private int remaining;

    /**
     * Scans the readable bytes of {@code chunk} without moving its indexes.
     *
     * @return -1 when the whole chunk was scanned, otherwise the index of the type byte of the
     *     message in front of which the visitor stopped
     * @throws CorruptedFrameException when a message length is impossible
     */
    public int scan(ByteBuf chunk, Visitor visitor) {
        int i = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (i < end) {
            if (remaining > 0 && peekWanted == 0 && headWanted == 0) {
                int skip = Math.min(remaining, end - i);
                i += skip;
                remaining -= skip;
                if (remaining == 0) {
                    headerBytes = 0;
                }
            } else if (headerBytes == 0) {
                byte t = chunk.getByte(i);
                if (!visitor.onType(t)) {
                    return i;
                }
                type = t;
                i++;
                if (end - i >= 4) {
                    length = chunk.getInt(i);
                    i += 4;
                    headerBytes = 5;
                    i = startBody(chunk, i, end, visitor);
                } else {
                    length = 0;
                    headerBytes = 1;
                }
            } else if (headerBytes < 5) {
                length = (length << 8) | (chunk.getByte(i++) & 0xff);
                if (++headerBytes == 5) {
                    i = startBody(chunk, i, end, visitor);
                }
            } else if (headWanted > 0) {
                i = gather(chunk, i, end, visitor);
            } else {
                int n = Math.min(peekWanted, end - i);
                chunk.getBytes(i, peek, peekLength, n);
                i += n;
                peekLength += n;
                peekWanted -= n;
                remaining -= n;
                if (peekWanted == 0) {
                    visitor.onMessage(type, length - 4, peek, peekLength);
                    if (remaining == 0) {
                        headerBytes = 0;
                    }
                }
            }
        }
        return -1;
    }

    /** True when the scanner stands between two messages. */
    public boolean atMessageBoundary() {
        return headerBytes == 0;
    }

    /** Starts the body at index i of chunk once the length is known; returns the index to go on from. */
    private int startBody(ByteBuf chunk, int i, int end, Visitor visitor) {
        if (length < 4) {
            throw new CorruptedFrameException("invalid message length " + length + " for message type '" + (char) type + "'");
        }
        remaining = length - 4;
        peekLength = 0;
        int wanted = Math.min(Math.min(visitor.headLength(type), MAX_HEAD), remaining);
        peekWanted = wanted > 0 ? 0 : Math.min(Math.min(visitor.peekLength(type), MAX_PEEK), remaining);
        if (peekWanted == 0) {
            visitor.onMessage(type, remaining, peek, 0);
            if (remaining == 0) {
                headerBytes = 0;
            }
        }
        if (wanted == 0) {
            return i;
        }
        if (end - i >= wanted) {
            visitor.onHead(type, remaining, chunk, i, wanted);
            return i;
        }
        if (head == null) {
            head = Unpooled.wrappedBuffer(new byte[MAX_HEAD]);
        }
        head.clear();
        headWanted = wanted;
        return gather(chunk, i, end, visitor);
    }

    /** Copies what chunk holds of the head being gathered, and shows it once complete. */
    private int gather(ByteBuf chunk, int i, int end, Visitor visitor) {
        int n = Math.min(headWanted - head.writerIndex(), end - i);
        head.writeBytes(chunk, i, n);
        remaining -= n;
        if (head.writerIndex() == headWanted) {
            headWanted = 0;
            visitor.onHead(type, length - 4, head, 0, head.writerIndex());
            if (remaining == 0) {
                headerBytes = 0;
            }
        }
        return i + n;
    }
}
