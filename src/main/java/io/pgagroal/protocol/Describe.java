package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Describe ('D'): asks for a description of a prepared statement or portal.
 *
 * @param kind 'S' for a prepared statement, 'P' for a portal
 * @param name the name of the prepared statement or portal (an empty string selects the unnamed one)
 */
public record Describe(byte kind, String name) {

    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    private static final String TYPE = "Describe";

    public Describe {
        if (kind != STATEMENT && kind != PORTAL) {
            throw new IllegalArgumentException(unknownKind(kind));
        }
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the kind is neither 'S' nor 'P', the name is not NUL-terminated, or bytes follow it
     */
    public static Describe decode(ByteBuf body) {
        BodyReader reader = new BodyReader(TYPE, body);
        byte kind = kind(reader);
        String name = reader.cString("name");
        reader.end();
        return new Describe(kind, name);
    }

    /**
     * A Describe body with its name replaced, as a whole message; the kind is kept.
     *
     * @throws ProtocolException when the body is not a valid Describe
     */
    public static ByteBuf renamed(ByteBuf body, String name, ByteBufAllocator alloc) {
        BodyReader reader = new BodyReader(TYPE, body);
        kind(reader);
        reader.cString("name");
        reader.end();
        return Rename.replace(alloc, Protocol.DESCRIBE, 1, name, body, reader.offset());
    }

    /** True for a prepared statement, false for a portal. */
    public boolean ofStatement() {
        return kind == STATEMENT;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.DESCRIBE, 1 + Messages.cStringLength(name)).writeByte(kind);
        Messages.writeCString(buf, name);
        return Messages.framed(buf);
    }

    @Override
    public String toString() {
        return "Describe[" + (char) kind + " " + name + "]";
    }

    private static byte kind(BodyReader reader) {
        byte kind = reader.int8("kind");
        if (kind != STATEMENT && kind != PORTAL) {
            throw reader.failure(unknownKind(kind));
        }
        return kind;
    }

    private static String unknownKind(byte kind) {
        return "kind 0x" + Integer.toHexString(kind & 0xff) + " is neither 'S' (statement) nor 'P' (portal)";
    }
}
