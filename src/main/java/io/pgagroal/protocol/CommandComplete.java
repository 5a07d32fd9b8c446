package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** CommandComplete ('C'): the command tag, usually a single word that identifies which SQL command was completed. */
public record CommandComplete(String tag) {

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the tag is not NUL-terminated or bytes follow it
     */
    public static CommandComplete decode(ByteBuf body) {
        BodyReader reader = new BodyReader("CommandComplete", body);
        CommandComplete complete = new CommandComplete(reader.cString("command tag"));
        reader.end();
        return complete;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.COMMAND_COMPLETE, Messages.cStringLength(tag));
        Messages.writeCString(buf, tag);
        return Messages.framed(buf);
    }
}
