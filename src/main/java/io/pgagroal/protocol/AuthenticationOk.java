package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** AuthenticationOk: the authentication exchange is successfully completed. */
public record AuthenticationOk() implements AuthenticationRequest {

    public static final AuthenticationOk INSTANCE = new AuthenticationOk();

    static AuthenticationOk decode(BodyReader afterCode) {
        afterCode.end();
        return INSTANCE;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.AUTHENTICATION, 4).writeInt(Protocol.AUTH_OK));
    }
}
