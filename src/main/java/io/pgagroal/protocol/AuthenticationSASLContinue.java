package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/** AuthenticationSASLContinue: this message contains a SASL challenge. */
public record AuthenticationSASLContinue(byte[] data) implements AuthenticationRequest {

    /** @param data the SASL data, specific to the SASL mechanism being used */
    public AuthenticationSASLContinue {
        data = data.clone();
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.AUTHENTICATION, 4 + data.length)
                .writeInt(Protocol.AUTH_SASL_CONTINUE).writeBytes(data));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSASLContinue that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSASLContinue[" + data.length + " bytes]";
    }
}
