package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** AuthenticationCleartextPassword: the frontend must now send a PasswordMessage containing the password in clear-text form. */
public record AuthenticationCleartextPassword() implements AuthenticationRequest {

    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

    static AuthenticationCleartextPassword decode(BodyReader afterCode) {
        afterCode.end();
        return INSTANCE;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.AUTHENTICATION, 4).writeInt(Protocol.AUTH_CLEARTEXT_PASSWORD));
    }
}
