package io.pgagroal.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pool.ServerConnection;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a connection clean for the next client after its client sent Terminate: first waits for the
 * ReadyForQuery messages the client's last requests still owe (their results are dropped), then
 * rolls back a transaction the client left open, then runs DISCARD ALL, which resets every setting
 * to the connection's startup values and drops temporary tables, prepared statements, cursors,
 * advisory locks and LISTENs. The connection goes back to the pool only if DISCARD ALL completed
 * and the server is idle; otherwise, or on timeout, it is closed.
 */
final class ConnectionReset extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionReset.class);
    private static final String NAME = "reset";
    private static final String DISCARD_ALL = "DISCARD ALL";

    private final PoolState state;
    private final int slot;
    private final ServerConnection connection;
    private int readyForQueryOwed;
    private String lastCommand;
    private ScheduledFuture<?> timeout;
    private boolean done;

    private ConnectionReset(PoolState state, int slot, ServerConnection connection, int readyForQueryOwed) {
        this.state = state;
        this.slot = slot;
        this.connection = connection;
        this.readyForQueryOwed = readyForQueryOwed;
    }

    static void start(PoolState state, int slot, ServerConnection connection, RelayState relay) {
        Channel channel = connection.channel();
        if (!connection.reusable() || !channel.isActive() || !relay.atMessageBoundary()) {
            state.pool.kill(slot);
            return;
        }
        boolean rollback = relay.transactionStatus() != Protocol.TRANSACTION_IDLE || relay.pendingReadyForQuery() > 0;
        int owed = relay.pendingReadyForQuery() + (rollback ? 2 : 1);
        ConnectionReset reset = new ConnectionReset(state, slot, connection, owed);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(Frames.NAME, Frames.decoder()).addLast(NAME, reset);
        Session.removeIfPresent(pipeline, RelayHandler.NAME);
        channel.config().setAutoRead(true);
        if (rollback) {
            channel.write(Messages.query(channel.alloc(), "ROLLBACK"));
        }
        channel.writeAndFlush(Messages.query(channel.alloc(), DISCARD_ALL));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> fail("timed out"),
                state.config.main().authenticationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (done) {
                return;
            }
            byte type = frame.getByte(0);
            if (type == Protocol.COMMAND_COMPLETE) {
                lastCommand = frame.toString(5, frame.readableBytes() - 6, StandardCharsets.UTF_8);
            } else if (type == Protocol.READY_FOR_QUERY && --readyForQueryOwed == 0) {
                if (frame.getByte(5) == Protocol.TRANSACTION_IDLE && DISCARD_ALL.equals(lastCommand)) {
                    succeed(ctx);
                } else {
                    fail("DISCARD ALL did not complete (last command " + lastCommand + ")");
                }
            }
        } finally {
            frame.release();
        }
    }

    private void succeed(ChannelHandlerContext ctx) {
        done = true;
        timeout.cancel(false);
        IdleServerHandler.park(ctx.pipeline(), state.pool, slot, connection, NAME, Frames.NAME);
    }

    private void fail(String why) {
        if (done) {
            return;
        }
        done = true;
        timeout.cancel(false);
        LOG.debug("Reset of {} failed: {}; closing it", connection, why);
        state.pool.kill(slot);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail("the server closed the connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause.toString());
    }
}
