package io.pgagroal.session;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.StartupPacket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a client's CancelRequest. Every client was given a key of the pooler's that names its
 * session ({@link CancelKey}); the request goes to the connection the session holds now, with that
 * connection's real key, on a new connection to its server as PostgreSQL expects. A session in the
 * transaction pipeline that holds no connection has nothing running, and a key whose session has
 * ended, or that was never given, names nothing: such requests are dropped, never sent to another
 * client's query.
 */
final class CancelForwarder extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(CancelForwarder.class);

    private final StartupPacket.CancelRequest request;

    private CancelForwarder(StartupPacket.CancelRequest request) {
        this.request = request;
    }

    static void forward(PoolState state, StartupPacket.CancelRequest request, EventLoop loop) {
        Optional<ServerConnection> target = target(state, request);
        if (target.isEmpty()) {
            LOG.debug("CancelRequest for process {} dropped: it names no connection running a query", request.processId());
            return;
        }
        cancel(state, target.get(), loop);
    }

    /** Sends a CancelRequest with the connection's real key (also disconnect_client_force, before it ends a session). */
    static void cancel(PoolState state, ServerConnection connection, EventLoop loop) {
        LOG.debug("Forwarding CancelRequest to {}", connection);
        BackendKeyData key = connection.backendKey();
        StartupPacket.CancelRequest real = new StartupPacket.CancelRequest(key.processId(), key.secretKey());
        state.connect(connection.server().config(), loop, new CancelForwarder(real))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        LOG.warn("Could not forward CancelRequest to {}: {}", connection.server(), f.cause().toString());
                    }
                });
    }

    private static Optional<ServerConnection> target(PoolState state, StartupPacket.CancelRequest request) {
        Session session = state.registry.byCancelKey(request.processId(), request.secretKey());
        return session == null ? Optional.empty() : Optional.ofNullable(session.cancelTarget());
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
