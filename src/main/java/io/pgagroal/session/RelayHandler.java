package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The relay end of one channel of a session: passes each chunk read to the flow (which hands it to
 * the pipeline), flushes the other side once per read loop, and reports writability changes so the
 * flow can stop reading from a side whose destination is full (backpressure).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Flow flow;
    private final boolean client;

    RelayHandler(Flow flow, boolean client) {
        this.flow = flow;
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client) {
            flow.fromClient((ByteBuf) msg);
        } else {
            flow.fromServer((ByteBuf) msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flow.readComplete(client);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.writabilityChanged(client, ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client) {
            flow.session.clientClosed();
        } else {
            flow.serverClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        flow.session.failed(client ? "client" : "server", cause);
    }
}
