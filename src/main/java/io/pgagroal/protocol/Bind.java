package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The header of a Bind ('B'): the names of the destination portal and the source prepared
 * statement. The rest (parameter formats and values, result formats) may be large and is relayed
 * as it is; it starts {@code restOffset} bytes into the body.
 *
 * @param portal the name of the destination portal (an empty string selects the unnamed portal)
 * @param statement the name of the source prepared statement (an empty string selects the unnamed prepared statement)
 * @param restOffset where the parameter format codes begin, counted from the start of the body
 */
public record Bind(String portal, String statement, int restOffset) {

    private static final String TYPE = "Bind";

    /**
     * Decodes the two names at the start of a body (after type byte and length), which may be
     * only the first part of the message; the buffer's indexes are not moved.
     *
     * @throws ProtocolException when a name is not NUL-terminated within {@code body}
     */
    public static Bind decode(ByteBuf body) {
        BodyReader reader = new BodyReader(TYPE, body);
        String portal = reader.cString("portal name");
        String statement = reader.cString("statement name");
        return new Bind(portal, statement, reader.offset());
    }

    /**
     * A whole Bind body with its statement name replaced, as a whole message: the portal name and
     * the rest are copied byte for byte.
     *
     * @throws ProtocolException when a name in {@code body} is not NUL-terminated
     */
    public static ByteBuf renamed(ByteBuf body, String statement, ByteBufAllocator alloc) {
        BodyReader reader = new BodyReader(TYPE, body);
        reader.cString("portal name");
        int before = reader.offset();
        reader.cString("statement name");
        return Rename.replace(alloc, Protocol.BIND, before, statement, body, reader.offset());
    }
}
