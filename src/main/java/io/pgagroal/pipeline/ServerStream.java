package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.MessageFramer;

/**
 * The framing of one server connection's stream in the transaction pipeline, kept with the
 * connection while clients come and go. Each callback of the framer goes to the messages handler of
 * the client that holds the connection at that moment; once that client's transaction ended, a
 * piece read in the same chunk belongs to nobody (PostgreSQL sent it unasked): it is dropped and
 * the connection is marked, to be closed rather than reused.
 */
public final class ServerStream implements MessageFramer.Handler {

    private final MessageFramer framer = new MessageFramer();
    private MessageFramer.Handler owner;
    private boolean unsolicited;

    void feed(ByteBuf chunk, MessageFramer.Handler messages) {
        owner = messages;
        framer.feed(chunk, this);
    }

    /** The client's transaction ended: what follows in the chunk is nobody's. */
    void release() {
        owner = null;
    }

    /** Whether PostgreSQL sent something after a transaction ended. */
    public boolean unsolicited() {
        return unsolicited;
    }

    public boolean atMessageBoundary() {
        return framer.atMessageBoundary();
    }

    /** The connection closed: a head half accumulated is released. */
    public void discard() {
        framer.discard();
    }

    @Override
    public boolean cut(byte type) {
        return owner == null || owner.cut(type);
    }

    @Override
    public int headLength(byte type, int length) {
        return owner == null ? 5 : owner.headLength(type, length);
    }

    @Override
    public void run(ByteBuf bytes) {
        if (owner == null) {
            drop(bytes);
        } else {
            owner.run(bytes);
        }
    }

    @Override
    public void head(ByteBuf head, int length) {
        if (owner == null) {
            drop(head);
        } else {
            owner.head(head, length);
        }
    }

    @Override
    public void rest(ByteBuf bytes, boolean last) {
        if (owner == null) {
            drop(bytes);
        } else {
            owner.rest(bytes, last);
        }
    }

    private void drop(ByteBuf bytes) {
        bytes.release();
        unsolicited = true;
    }
}
