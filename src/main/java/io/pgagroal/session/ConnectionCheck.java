package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.config.MainConfig;
import io.pgagroal.protocol.MessageScanner;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * validation: one {@code SELECT 1} round trip on a connection nobody else uses at the moment (a
 * slot held for background validation, or just handed to a session). It goes in front of whatever
 * the connection's pipeline holds (the idle handler, or the transaction pipeline's framing), so
 * the reply never reaches them, and takes itself out once the last byte of ReadyForQuery arrived
 * (a {@link MessageScanner} follows the reply without holding it). The connection is
 * alive if the reply came without an ErrorResponse within half of authentication_timeout (so that a
 * client whose connection fails the check still gets another one within its own authentication
 * timeout); the caller closes it otherwise.
 */
final class ConnectionCheck extends ChannelInboundHandlerAdapter implements MessageScanner.Visitor {

    private static final ByteBuf SELECT_1 = Unpooled.unreleasableBuffer(
            Messages.query(UnpooledByteBufAllocator.DEFAULT, "SELECT 1").asReadOnly());

    private final Promise<Boolean> alive;
    private final boolean autoRead;
    private final MessageScanner scanner = new MessageScanner();
    private boolean error;
    private ScheduledFuture<?> timeout;
    private ChannelHandlerContext context;

    private ConnectionCheck(Promise<Boolean> alive, boolean autoRead) {
        this.alive = alive;
        this.autoRead = autoRead;
    }

    /** How long the server has to answer. */
    static Duration timeLimit(MainConfig main) {
        return main.authenticationTimeout().dividedBy(2);
    }

    /** Runs the check; call on the channel's event loop. The future is never failed, only false. */
    static Future<Boolean> run(Channel channel, Duration timeLimit) {
        Promise<Boolean> alive = channel.eventLoop().newPromise();
        if (!channel.isActive()) {
            return alive.setSuccess(false);
        }
        ConnectionCheck check = new ConnectionCheck(alive, channel.config().isAutoRead());
        Handlers.addFirst(channel.pipeline(), check);
        check.timeout = channel.eventLoop().schedule(() -> check.finish(false), timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        channel.config().setAutoRead(true);
        channel.writeAndFlush(SELECT_1.duplicate()).addListener(written -> {
            if (!written.isSuccess()) {
                check.finish(false);
            }
        });
        return alive;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            scanner.scan(in, this);
        } catch (CorruptedFrameException e) {
            finish(false);
        } finally {
            in.release();
        }
    }

    @Override
    public boolean onType(byte type) {
        return !alive.isDone();
    }

    /** ReadyForQuery's status byte, so that the check ends with the reply's last byte. */
    @Override
    public int peekLength(byte type) {
        return type == Protocol.READY_FOR_QUERY ? 1 : 0;
    }

    @Override
    public void onMessage(byte type, int bodyLength, byte[] peek, int peekLength) {
        if (type == Protocol.ERROR_RESPONSE) {
            error = true;
        } else if (type == Protocol.READY_FOR_QUERY) {
            finish(!error);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(false);
    }

    private void finish(boolean ok) {
        if (alive.isDone()) {
            return;
        }
        timeout.cancel(false);
        Channel channel = context.channel();
        if (!context.isRemoved()) {
            channel.pipeline().remove(this);
        }
        channel.config().setAutoRead(autoRead);
        alive.setSuccess(ok && channel.isActive());
    }
}
