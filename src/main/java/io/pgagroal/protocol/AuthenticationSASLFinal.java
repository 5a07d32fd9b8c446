package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/** AuthenticationSASLFinal: SASL authentication has completed with additional mechanism-specific data for the client. */
public record AuthenticationSASLFinal(byte[] data) implements AuthenticationRequest {

    /** @param data the SASL data, specific to the SASL mechanism being used */
    public AuthenticationSASLFinal {
        data = data.clone();
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.AUTHENTICATION, 4 + data.length)
                .writeInt(Protocol.AUTH_SASL_FINAL).writeBytes(data));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSASLFinal that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSASLFinal[" + data.length + " bytes]";
    }
}
