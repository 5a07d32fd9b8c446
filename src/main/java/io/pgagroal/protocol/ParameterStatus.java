package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** ParameterStatus ('S'): the current value of a run-time parameter the backend reports. */
public record ParameterStatus(String name, String value) {

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when a string is not NUL-terminated or bytes follow the value
     */
    public static ParameterStatus decode(ByteBuf body) {
        BodyReader reader = new BodyReader("ParameterStatus", body);
        ParameterStatus status = new ParameterStatus(reader.cString("parameter name"), reader.cString("parameter value"));
        reader.end();
        return status;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.PARAMETER_STATUS, Messages.cStringLength(name) + Messages.cStringLength(value));
        Messages.writeCString(buf, name);
        Messages.writeCString(buf, value);
        return Messages.framed(buf);
    }
}
