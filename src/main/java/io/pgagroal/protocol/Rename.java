package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Builds a frontend message from a received body with one name replaced and the rest copied. */
final class Rename {

    private Rename() {
    }

    /**
     * @param before how many body bytes to copy in front of the name
     * @param after where the body continues after the old name's terminator
     */
    static ByteBuf replace(ByteBufAllocator alloc, byte type, int before, String name, ByteBuf body, int after) {
        int tail = body.readableBytes() - after;
        ByteBuf buf = Messages.message(alloc, type, before + Messages.cStringLength(name) + tail);
        buf.writeBytes(body, body.readerIndex(), before);
        Messages.writeCString(buf, name);
        buf.writeBytes(body, body.readerIndex() + after, tail);
        return Messages.framed(buf);
    }
}
