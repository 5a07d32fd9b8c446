package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.BiFunction;

/** The body that Close and Describe share: a kind ('S' for a prepared statement, 'P' for a portal) and a name. */
final class KindAndName {

    static final byte STATEMENT = 'S';
    static final byte PORTAL = 'P';

    private KindAndName() {
    }

    static void check(byte kind) {
        if (kind != STATEMENT && kind != PORTAL) {
            throw new IllegalArgumentException(unknownKind(kind));
        }
    }

    /**
     * @throws ProtocolException when the kind is neither 'S' nor 'P', the name is not NUL-terminated, or bytes follow it
     */
    static <T> T decode(String type, ByteBuf body, BiFunction<Byte, String, T> message) {
        BodyReader reader = new BodyReader(type, body);
        byte kind = kind(reader);
        String name = reader.cString("name");
        reader.end();
        return message.apply(kind, name);
    }

    /** The body with its name replaced, as a whole message of {@code messageType}; the kind is kept. */
    static ByteBuf renamed(String type, byte messageType, ByteBuf body, String name, ByteBufAllocator alloc) {
        BodyReader reader = new BodyReader(type, body);
        kind(reader);
        reader.cString("name");
        reader.end();
        return Rename.replace(alloc, messageType, 1, name, body, reader.offset());
    }

    static ByteBuf encode(byte messageType, byte kind, String name, ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, messageType, 1 + Messages.cStringLength(name)).writeByte(kind);
        Messages.writeCString(buf, name);
        return Messages.framed(buf);
    }

    static String toString(String type, byte kind, String name) {
        return type + "[" + (char) kind + " " + name + "]";
    }

    private static byte kind(BodyReader reader) {
        byte kind = reader.int8("kind");
        if (kind != STATEMENT && kind != PORTAL) {
            throw reader.failure(unknownKind(kind));
        }
        return kind;
    }

    private static String unknownKind(byte kind) {
        return "kind 0x" + Integer.toHexString(kind & 0xff) + " is neither 'S' (statement) nor 'P' (portal)";
    }
}
