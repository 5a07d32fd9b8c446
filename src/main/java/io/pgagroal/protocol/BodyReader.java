package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one message body in order, on a duplicate so the caller's indexes stay put.
 * Every failure is a {@link ProtocolException} that names the message and the field.
 */
final class BodyReader {

    private final String messageType;
    private final ByteBuf buf;
    private final int start;

    BodyReader(String messageType, ByteBuf body) {
        this.messageType = messageType;
        this.buf = body.duplicate();
        this.start = body.readerIndex();
    }

    /** A NUL-terminated UTF-8 string (the protocol's String). */
    String cString(String field) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw failure(buf.isReadable() ? "the " + field + " has no NUL terminator" : "the body ends before the " + field);
        }
        String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(end + 1);
        return value;
    }

    int int32(String field) {
        require(4, field);
        return buf.readInt();
    }

    short int16(String field) {
        require(2, field);
        return buf.readShort();
    }

    /** An Int16 that counts the items that follow; a negative count fails. */
    short count(String field) {
        short count = int16(field);
        if (count < 0) {
            throw failure("negative " + field + " " + count);
        }
        return count;
    }

    byte int8(String field) {
        require(1, field);
        return buf.readByte();
    }

    byte[] bytes(int length, String field) {
        require(length, field);
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    /** The bytes up to the end of the body. */
    byte[] rest() {
        return bytes(buf.readableBytes(), "rest");
    }

    /** True when the next byte is the NUL that ends a list of strings or fields; consumes it. */
    boolean endOfList(String list) {
        require(1, "terminator of the " + list);
        if (buf.getByte(buf.readerIndex()) != 0) {
            return false;
        }
        buf.skipBytes(1);
        return true;
    }

    /** The offset from the start of the body of the next byte to read. */
    int offset() {
        return buf.readerIndex() - start;
    }

    /** Checks that the whole body was read. */
    void end() {
        if (buf.isReadable()) {
            throw failure("unexpected bytes after the last field: " + buf.readableBytes());
        }
    }

    ProtocolException failure(String problem) {
        return new ProtocolException(messageType, problem);
    }

    private void require(int length, String field) {
        if (buf.readableBytes() < length) {
            throw failure("the body ends before the " + field + " (" + length + " bytes needed, " + buf.readableBytes() + " left)");
        }
    }
}
