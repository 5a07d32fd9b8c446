package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Builds the messages the pooler writes itself. Relayed traffic never passes through here; these are
 * the startup, authentication, reset and error messages. Each method returns a new buffer that the
 * caller writes (and so hands over to Netty).
 */
public final class Messages {

    private static final ByteBuf TERMINATE = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {Protocol.TERMINATE, 0, 0, 0, 4}).asReadOnly());

    private Messages() {
    }

    /** StartupMessage (protocol 3.0) with the given parameters, in order. */
    public static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> parameters) {
        ByteBuf buf = alloc.buffer(256);
        buf.writeInt(0).writeInt(Protocol.PROTOCOL_3_0);
        parameters.forEach((name, value) -> {
            writeCString(buf, name);
            writeCString(buf, value);
        });
        buf.writeByte(0);
        return buf.setInt(0, buf.readableBytes());
    }

    /** ErrorResponse with severity (as S and V), SQLSTATE and message. */
    public static ByteBuf errorResponse(ByteBufAllocator alloc, String severity, String sqlState, String message) {
        return new ErrorResponse(severity, sqlState, message).encode(alloc);
    }

    /** ErrorResponse with severity FATAL: the pooler closes the connection after sending it. */
    public static ByteBuf fatal(ByteBufAllocator alloc, String sqlState, String message) {
        return errorResponse(alloc, "FATAL", sqlState, message);
    }

    /** PasswordMessage ('p') with a NUL-terminated string: a cleartext password or an MD5 response. */
    public static ByteBuf passwordMessage(ByteBufAllocator alloc, String password) {
        ByteBuf buf = alloc.buffer(6 + password.length() * 3);
        buf.writeByte(Protocol.PASSWORD_MESSAGE).writeInt(0);
        writeCString(buf, password);
        return buf.setInt(1, buf.readableBytes() - 1);
    }

    /** SASLInitialResponse ('p'): the mechanism name, then the length-prefixed client-first message. */
    public static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(10 + mechanism.length() + bytes.length);
        buf.writeByte(Protocol.PASSWORD_MESSAGE).writeInt(0);
        writeCString(buf, mechanism);
        buf.writeInt(bytes.length).writeBytes(bytes);
        return buf.setInt(1, buf.readableBytes() - 1);
    }

    /** SASLResponse ('p'): the SASL data as it is, without terminator. */
    public static ByteBuf saslResponse(ByteBufAllocator alloc, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(5 + bytes.length).writeByte(Protocol.PASSWORD_MESSAGE).writeInt(4 + bytes.length).writeBytes(bytes);
    }

    /** Query (simple query protocol). */
    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        ByteBuf buf = alloc.buffer(6 + sql.length() * 3);
        buf.writeByte(Protocol.QUERY).writeInt(0);
        writeCString(buf, sql);
        return buf.setInt(1, buf.readableBytes() - 1);
    }

    /** CancelRequest: sent on a fresh connection to the backend's server. */
    /** SSLRequest: the pooler asks a server for TLS before its StartupMessage. */
    public static ByteBuf sslRequest(ByteBufAllocator alloc) {
        return alloc.buffer(8).writeInt(8).writeInt(Protocol.SSL_REQUEST_CODE);
    }

    public static ByteBuf cancelRequest(ByteBufAllocator alloc, int processId, int secretKey) {
        return alloc.buffer(16).writeInt(16).writeInt(Protocol.CANCEL_REQUEST_CODE).writeInt(processId).writeInt(secretKey);
    }

    /**
     * Parse, Bind, Execute and Sync of one statement with text parameters and text results, on the
     * unnamed statement and portal: a parameterised query in one write.
     */
    public static ByteBuf extendedQuery(ByteBufAllocator alloc, String sql, String... parameters) {
        ByteBuf buf = alloc.buffer(64 + sql.length() * 3);
        int start = buf.writerIndex();
        buf.writeByte('P').writeInt(0);
        writeCString(buf, "");
        writeCString(buf, sql);
        buf.writeShort(0);
        buf.setInt(start + 1, buf.writerIndex() - start - 1);
        start = buf.writerIndex();
        buf.writeByte('B').writeInt(0);
        writeCString(buf, "");
        writeCString(buf, "");
        buf.writeShort(0).writeShort(parameters.length);
        for (String parameter : parameters) {
            byte[] bytes = parameter.getBytes(StandardCharsets.UTF_8);
            buf.writeInt(bytes.length).writeBytes(bytes);
        }
        buf.writeShort(0);
        buf.setInt(start + 1, buf.writerIndex() - start - 1);
        buf.writeByte('E').writeInt(9).writeByte(0).writeInt(0);
        return buf.writeByte(Protocol.SYNC).writeInt(4);
    }

    /** Terminate: a shared read-only instance, so sending it never allocates. */
    public static ByteBuf terminate() {
        return TERMINATE.duplicate();
    }

    /**
     * The single-byte answer to SSLRequest and GSSENCRequest that declines encryption.
     */
    public static ByteBuf declineEncryption(ByteBufAllocator alloc) {
        return alloc.buffer(1).writeByte('N');
    }

    /** The single-byte answer to SSLRequest that accepts: the TLS handshake follows. */
    public static ByteBuf acceptEncryption(ByteBufAllocator alloc) {
        return alloc.buffer(1).writeByte('S');
    }

    /**
     * The body of a message (type byte, length, body): the bytes after its length, as a slice that
     * shares the message's memory and is not retained; the message's indexes do not move. Given
     * the head of a longer message, the part of the body the head holds. The decoders of the
     * message types take this.
     */
    public static ByteBuf body(ByteBuf message) {
        return message.slice(message.readerIndex() + 5, message.readableBytes() - 5);
    }

    /** A new message holding its type byte and a length that {@link #framed} sets. */
    static ByteBuf message(ByteBufAllocator alloc, byte type, int bodyCapacity) {
        return alloc.buffer(5 + bodyCapacity).writeByte(type).writeInt(0);
    }

    /** Sets the length of a message begun by {@link #message}: it counts itself and the body. */
    static ByteBuf framed(ByteBuf message) {
        return message.setInt(1, message.writerIndex() - 1);
    }

    /** The bytes {@link #writeCString} writes for a value. */
    static int cStringLength(String value) {
        return ByteBufUtil.utf8Bytes(value) + 1;
    }

    static void writeCString(ByteBuf buf, String value) {
        ByteBufUtil.writeUtf8(buf, value);
        buf.writeByte(0);
    }

    /** Reads a NUL-terminated UTF-8 string at the reader index and moves past it. */
    public static String readCString(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated string in message");
        }
        String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(end + 1);
        return value;
    }
}
