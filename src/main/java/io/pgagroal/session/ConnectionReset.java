package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pool.Pool;
import io.pgagroal.protocol.CommandComplete;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.ReadyForQuery;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a connection clean for the next client after its client left: first ends with a Sync an
 * extended-protocol batch the client left open (after an error in it the server would skip every
 * Query until one), waits for the ReadyForQuery messages the client's last requests still owe
 * (their results are dropped), then runs the reset statements, each as its own Query: ROLLBACK of a transaction the client left open,
 * then, in the performance and session pipelines, DISCARD ALL, which resets every setting to the
 * connection's startup values and drops temporary tables, prepared statements, cursors, advisory
 * locks and LISTENs (the transaction pipeline resets nothing else, or runs DEALLOCATE ALL for
 * track_prepared_statements). The connection goes back to the pool only if the last statement
 * completed and the server is idle; otherwise, or on timeout, it is closed.
 */
final class ConnectionReset extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionReset.class);
    static final String DISCARD_ALL = "DISCARD ALL";
    static final String ROLLBACK = "ROLLBACK";

    private final Pool<ServerConnection> pool;
    private final Duration timeLimit;
    private final int slot;
    private final ServerConnection connection;
    private final String expected;
    private int readyForQueryOwed;
    private String lastCommand;
    private ScheduledFuture<?> timeout;
    private boolean done;

    private ConnectionReset(Pool<ServerConnection> pool, Duration timeLimit, int slot, ServerConnection connection, int readyForQueryOwed,
            String expected) {
        this.pool = pool;
        this.timeLimit = timeLimit;
        this.slot = slot;
        this.connection = connection;
        this.readyForQueryOwed = readyForQueryOwed;
        this.expected = expected;
    }

    /** Whether the client may have left a transaction open (or requests still running, or a batch open). */
    static boolean needsRollback(RelayState relay) {
        return relay.transactionStatus() != Protocol.TRANSACTION_IDLE || relay.pendingReadyForQuery() > 0 || relay.batchOpen();
    }

    /**
     * @param statements the reset statements, in order; none to give the connection back as it is
     */
    static void start(PoolState state, int slot, ServerConnection connection, RelayState relay, List<String> statements) {
        start(state.pool, state.config.main().authenticationTimeout(), slot, connection, relay, statements);
    }

    /**
     * @param timeLimit how long the reset may take before the connection is closed instead
     */
    static void start(Pool<ServerConnection> pool, Duration timeLimit, int slot, ServerConnection connection, RelayState relay,
            List<String> statements) {
        Channel channel = connection.channel();
        if (!connection.reusable() || !relay.atMessageBoundary()) {
            pool.kill(slot);
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        int sync = relay.batchOpen() ? 1 : 0;
        if (statements.isEmpty() && relay.pendingReadyForQuery() + sync == 0) {
            IdleServerHandler.park(pipeline, pool, slot, connection, RelayHandler.class);
            return;
        }
        int owed = relay.pendingReadyForQuery() + sync + statements.size();
        String expected = statements.isEmpty() ? null : statements.get(statements.size() - 1);
        ConnectionReset reset = new ConnectionReset(pool, timeLimit, slot, connection, owed, expected);
        pipeline.addLast(Frames.decoder(), reset);
        Handlers.removeIfPresent(pipeline, RelayHandler.class, TransactionServerHandler.class);
        channel.config().setAutoRead(true);
        if (sync > 0) {
            channel.write(channel.alloc().buffer(5).writeByte(Protocol.SYNC).writeInt(4));
        }
        for (String statement : statements) {
            channel.write(Messages.query(channel.alloc(), statement));
        }
        channel.flush();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> fail("timed out"),
                timeLimit.toMillis(), TimeUnit.MILLISECONDS);
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
                lastCommand = CommandComplete.decode(Messages.body(frame)).tag();
            } else if (type == Protocol.READY_FOR_QUERY && --readyForQueryOwed == 0) {
                if (ReadyForQuery.decode(Messages.body(frame)).idle() && (expected == null || expected.equals(lastCommand))) {
                    succeed(ctx);
                } else {
                    fail(expected + " did not complete (last command " + lastCommand + ")");
                }
            }
        } finally {
            frame.release();
        }
    }

    private void succeed(ChannelHandlerContext ctx) {
        done = true;
        timeout.cancel(false);
        IdleServerHandler.park(ctx.pipeline(), pool, slot, connection, ConnectionReset.class, Frames.Decoder.class);
    }

    private void fail(String why) {
        if (done) {
            return;
        }
        done = true;
        timeout.cancel(false);
        LOG.debug("Reset of {} failed: {}; closing it", connection, why);
        pool.kill(slot);
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
