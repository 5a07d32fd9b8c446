package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Parse ('P'): a query string to prepare as a statement.
 *
 * @param name the name of the destination prepared statement (an empty string selects the unnamed prepared statement)
 * @param query the query string to be parsed
 * @param parameterTypes the object IDs of the parameter data types the frontend specifies (zero leaves a type unspecified)
 */
public record Parse(String name, String query, List<Integer> parameterTypes) {

    private static final String TYPE = "Parse";

    public Parse {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when a string is not NUL-terminated or the body does not hold the types it announces
     */
    public static Parse decode(ByteBuf body) {
        BodyReader reader = new BodyReader(TYPE, body);
        String name = reader.cString("statement name");
        String query = reader.cString("query string");
        short count = reader.count("parameter type count");
        List<Integer> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(reader.int32("parameter type OID"));
        }
        reader.end();
        return new Parse(name, query, types);
    }

    /**
     * A Parse body with its statement name replaced, as a whole message: the query string and
     * parameter types are copied byte for byte.
     *
     * @throws ProtocolException when the statement name in {@code body} is not NUL-terminated
     */
    public static ByteBuf renamed(ByteBuf body, String name, ByteBufAllocator alloc) {
        BodyReader reader = new BodyReader(TYPE, body);
        reader.cString("statement name");
        return Rename.replace(alloc, Protocol.PARSE, 0, name, body, reader.offset());
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.PARSE,
                Messages.cStringLength(name) + Messages.cStringLength(query) + 2 + 4 * parameterTypes.size());
        Messages.writeCString(buf, name);
        Messages.writeCString(buf, query);
        buf.writeShort(parameterTypes.size());
        parameterTypes.forEach(buf::writeInt);
        return Messages.framed(buf);
    }
}
