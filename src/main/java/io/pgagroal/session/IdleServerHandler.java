package io.pgagroal.session;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.pgagroal.pool.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a FREE connection in the pool. PostgreSQL sends nothing to an idle connection unless it
 * is going away (pg_terminate_backend, idle_session_timeout, shutdown: a FATAL, then close), so
 * anything read, or the close itself, takes the connection out of the pool.
 */
final class IdleServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(IdleServerHandler.class);

    private final Pool<ServerConnection> pool;
    private final int slot;
    private final ServerConnection connection;

    IdleServerHandler(Pool<ServerConnection> pool, int slot, ServerConnection connection) {
        this.pool = pool;
        this.slot = slot;
        this.connection = connection;
    }

    /**
     * Puts a ready connection in the pool: this handler replaces the conversation's handlers
     * (by type), or a transaction-mode connection's {@link TransactionServerHandler} switches to its
     * own, and the slot becomes FREE on the channel's next event-loop turn. Parking happens
     * inside a read callback of the connection; releasing at once could hand the connection to a
     * waiting session on the same loop, which would rebuild the pipeline while the decoder that
     * delivered the read is still running.
     */
    @SafeVarargs
    static void park(ChannelPipeline pipeline, Pool<ServerConnection> pool, int slot, ServerConnection connection,
            Class<? extends ChannelHandler>... handlers) {
        TransactionServerHandler link = pipeline.get(TransactionServerHandler.class);
        if (link != null) {
            link.idle();
        } else {
            pipeline.addLast(new IdleServerHandler(pool, slot, connection));
            Handlers.removeIfPresent(pipeline, handlers);
        }
        pipeline.channel().eventLoop().execute(() -> pool.release(slot));
    }

    /**
     * Also marks the connection discarded, for the moment between parking and the release on the
     * next loop turn: the slot is not FREE yet, so it is the release that closes it.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        LOG.debug("Idle connection {} in slot {} received data; removing it", connection, slot);
        connection.discard();
        pool.removeIdle(slot, connection);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LOG.debug("Idle connection {} in slot {} closed by the server", connection, slot);
        pool.removeIdle(slot, connection);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Idle connection {} in slot {} failed: {}", connection, slot, cause.toString());
        pool.removeIdle(slot, connection);
    }
}
