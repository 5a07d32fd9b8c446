package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Execute ('E'): runs a portal.
 *
 * @param portal the name of the portal to execute (an empty string selects the unnamed portal)
 * @param maxRows the maximum number of rows to return if the portal returns rows; zero denotes "no limit"
 */
public record Execute(String portal, int maxRows) {

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the portal name is not NUL-terminated or the body is not followed by exactly an Int32
     */
    public static Execute decode(ByteBuf body) {
        BodyReader reader = new BodyReader("Execute", body);
        Execute execute = new Execute(reader.cString("portal name"), reader.int32("maximum row count"));
        reader.end();
        return execute;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.EXECUTE, Messages.cStringLength(portal) + 4);
        Messages.writeCString(buf, portal);
        return Messages.framed(buf.writeInt(maxRows));
    }
}
