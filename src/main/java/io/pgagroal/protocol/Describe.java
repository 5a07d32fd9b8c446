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

    public static final byte STATEMENT = KindAndName.STATEMENT;
    public static final byte PORTAL = KindAndName.PORTAL;

    private static final String TYPE = "Describe";

    public Describe {
        KindAndName.check(kind);
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the kind is neither 'S' nor 'P', the name is not NUL-terminated, or bytes follow it
     */
    public static Describe decode(ByteBuf body) {
        return KindAndName.decode(TYPE, body, Describe::new);
    }

    /**
     * A Describe body with its name replaced, as a whole message; the kind is kept.
     *
     * @throws ProtocolException when the body is not a valid Describe
     */
    public static ByteBuf renamed(ByteBuf body, String name, ByteBufAllocator alloc) {
        return KindAndName.renamed(TYPE, Protocol.DESCRIBE, body, name, alloc);
    }

    /** True for a prepared statement, false for a portal. */
    public boolean ofStatement() {
        return kind == STATEMENT;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return KindAndName.encode(Protocol.DESCRIBE, kind, name, alloc);
    }

    @Override
    public String toString() {
        return KindAndName.toString(TYPE, kind, name);
    }
}
