package io.pgagroal.session;

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
 * connection. In the transaction pipeline the client was given a key of the pooler's that names its
 * session, and the request goes to the connection the session holds now; when it holds none, nothing
 * of the client's is running and the request is dropped, never sent to another client's query. The
 * request goes to the connection's server on a new connection, as PostgreSQL expects. A key that
 * names nothing is dropped, so a guessed key reaches nothing.
 */
final class CancelForwarder extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(CancelForwarder.class);

    private final StartupPacket.CancelRequest request;

    private CancelForwarder(StartupPacket.CancelRequest request) {
        this.request = request;
    }

    static long key(int processId, int secretKey) {
        return ((long) processId << 32) | (secretKey & 0xffffffffL);
    }

    static void forward(PoolState state, StartupPacket.CancelRequest request, EventLoop loop) {
        Optional<ServerConnection> target = target(state, request);
        if (target.isEmpty()) {
            LOG.debug("CancelRequest for process {} dropped: it names no connection running a query", request.processId());
            return;
        }
        ServerConnection connection = target.get();
        LOG.debug("Forwarding CancelRequest to {}", connection);
        StartupPacket.CancelRequest real = new StartupPacket.CancelRequest(connection.processId(), connection.secretKey());
        state.connect(connection.server().config(), loop, new CancelForwarder(real))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        LOG.warn("Could not forward CancelRequest to {}: {}", target.get().server(), f.cause().toString());
                    }
                });
    }

    /**
     * In the transaction pipeline the key is the pooler's own and names a session, whose current
     * connection (if it holds one) is the target; otherwise the key is a connection's real one.
     */
    private static Optional<ServerConnection> target(PoolState state, StartupPacket.CancelRequest request) {
        Session session = state.sessions.get(key(request.processId(), request.secretKey()));
        if (session != null) {
            return Optional.ofNullable(session.cancelTarget());
        }
        return state.pool.findByBackendKey(request.processId(), request.secretKey());
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
