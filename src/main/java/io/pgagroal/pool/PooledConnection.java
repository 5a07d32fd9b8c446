package io.pgagroal.pool;

import io.netty.channel.EventLoop;

/**
 * What the pool knows of a connection it holds: the key it serves, the event loop it lives on
 * (to prefer handing it to a client on the same loop) and whether it may be handed out again. The
 * pool never reads, writes or closes it; whoever creates the {@link Pool} supplies the closing.
 */
public interface PooledConnection {

    PoolKey key();

    /** The event loop the connection is registered on now. */
    EventLoop eventLoop();

    /** Whether the connection is open and may be given to another client once it is returned. */
    boolean reusable();
}
