package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * AuthenticationMD5Password: the frontend must now send a PasswordMessage containing the password
 * (with user name) encrypted via MD5, then encrypted again using the 4-byte random salt.
 */
public record AuthenticationMD5Password(byte[] salt) implements AuthenticationRequest {

    public static final int SALT_LENGTH = 4;

    public AuthenticationMD5Password {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("an MD5 salt has 4 bytes, not " + salt.length);
        }
        salt = salt.clone();
    }

    static AuthenticationMD5Password decode(BodyReader afterCode) {
        byte[] salt = afterCode.bytes(SALT_LENGTH, "salt");
        afterCode.end();
        return new AuthenticationMD5Password(salt);
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.AUTHENTICATION, 4 + SALT_LENGTH)
                .writeInt(Protocol.AUTH_MD5_PASSWORD).writeBytes(salt));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationMD5Password that && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "AuthenticationMD5Password[salt=" + HexFormat.of().formatHex(salt) + "]";
    }
}
