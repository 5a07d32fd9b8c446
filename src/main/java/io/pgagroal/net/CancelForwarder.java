package io.pgagroal.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgagroal.pool.ServerConnection;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.StartupPacket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a client's CancelRequest. In the performance and session pipelines a client holds one
 * server connection and was given that connection's own BackendKeyData, so the key names the
 * connection; the request goes to that connection's server on a new connection, as PostgreSQL
 * expects. A key that names no pooled connection is dropped, so a guessed key reaches nothing.
 */
final class CancelForwarder extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(CancelForwarder.class);

    private final StartupPacket.CancelRequest request;

    private CancelForwarder(StartupPacket.CancelRequest request) {
        this.request = request;
    }

    static void forward(PoolState state, StartupPacket.CancelRequest request, EventLoop loop) {
        Optional<ServerConnection> target = state.pool.findByBackendKey(request.processId(), request.secretKey());
        if (target.isEmpty()) {
            LOG.debug("CancelRequest for unknown process {} dropped", request.processId());
            return;
        }
        LOG.debug("Forwarding CancelRequest to {}", target.get());
        ServerConnector.connect(state, target.get().server().config(), loop, new CancelForwarder(request))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        LOG.warn("Could not forward CancelRequest to {}: {}", target.get().server(), f.cause().toString());
                    }
                });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Messages.cancelRequest(ctx.alloc(), request.processId(), request.secretKey()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
