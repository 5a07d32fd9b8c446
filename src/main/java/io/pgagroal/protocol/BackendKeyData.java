package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * BackendKeyData ('K'): cancellation key data, which the frontend must save to be able to issue
 * CancelRequest messages later (protocol 3.0: an Int32 secret key).
 */
public record BackendKeyData(int processId, int secretKey) {

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the body is not two Int32
     */
    public static BackendKeyData decode(ByteBuf body) {
        BodyReader reader = new BodyReader("BackendKeyData", body);
        BackendKeyData key = new BackendKeyData(reader.int32("process ID"), reader.int32("secret key"));
        reader.end();
        return key;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.BACKEND_KEY_DATA, 8).writeInt(processId).writeInt(secretKey));
    }
}
