package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The relay end of one channel of a session: passes each chunk read to the session (which hands it
 * to the pipeline), flushes the other side once per read loop, and reports writability changes so
 * the session can stop reading from a side whose destination is full (backpressure).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "relay";

    private final Session session;
    private final boolean client;

    RelayHandler(Session session, boolean client) {
        this.session = session;
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client) {
            session.fromClient((ByteBuf) msg);
        } else {
            session.fromServer((ByteBuf) msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.flush(!client);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.writabilityChanged(client, ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client) {
            session.clientClosed();
        } else {
            session.serverClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.failed(client ? "client" : "server", cause);
    }
}
