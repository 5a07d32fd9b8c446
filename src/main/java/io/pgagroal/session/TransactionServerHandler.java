package io.pgagroal.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgagroal.pipeline.ServerStream;

/**
 * The server end of a connection in the transaction pipeline, installed once and kept for as long
 * as the connection lives. It passes each event to the session that holds the connection
 * ({@link RelayHandler}) or, while it is in the pool, to an {@link IdleServerHandler}. Handing the
 * connection from client to client is then a field write instead of a rebuild of the channel
 * pipeline, so a connection can go straight from the ReadyForQuery that ends one client's
 * transaction to the next waiting client, inside the same read callback.
 */
final class TransactionServerHandler extends ChannelInboundHandlerAdapter {

    private final IdleServerHandler idle;
    private final ServerStream stream;
    private ChannelInboundHandler current;

    /** @param stream the framing of the connection's stream, released here when the connection closes */
    TransactionServerHandler(IdleServerHandler idle, RelayHandler relay, ServerStream stream) {
        this.idle = idle;
        this.stream = stream;
        this.current = relay;
    }

    /** The connection now relays for this session. */
    void relayTo(RelayHandler relay) {
        current = relay;
    }

    /** The connection is back in the pool. */
    void idle() {
        current = idle;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        current.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        current.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        current.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stream.discard();
        current.channelInactive(ctx);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        current.exceptionCaught(ctx, cause);
    }
}
