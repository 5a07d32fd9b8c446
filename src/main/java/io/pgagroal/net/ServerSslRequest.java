package io.pgagroal.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.protocol.Messages;
import io.pgagroal.security.ServerTls;
import javax.net.ssl.SSLException;

/**
 * Puts TLS under a new server connection before anything else is said on it (protocol documentation,
 * "SSL Session Encryption"): SSLRequest; on 'S' an SslHandler goes in front of this handler and
 * shakes hands; on 'N' the connection stays in cleartext only under tls_mode = prefer. The handlers
 * behind this one see channelActive only once the connection is ready, so nothing they write can go
 * out in cleartext by mistake, and this handler then leaves the pipeline.
 *
 * <p>The connection's future ({@link #ready}) completes at that moment, or fails with an
 * {@link SSLException} that says why (the server declined TLS, the certificate failed verification,
 * the server sent cleartext after 'S'), and the channel is closed: never a fallback to cleartext.
 * Every field is confined to the channel's event loop; the outcome may be known before the future
 * is attached, so whichever comes second settles it.
 */
final class ServerSslRequest extends ChannelInboundHandlerAdapter {

    private final ServerConfig server;
    private final ServerTls tls;
    private ChannelPromise ready;
    private boolean answered;
    private boolean done;
    private SSLException failure;

    ServerSslRequest(ServerConfig server, ServerTls tls) {
        this.server = server;
        this.tls = tls;
    }

    /** The future of the whole connection: TCP connect, then TLS (or prefer's cleartext). */
    ChannelFuture ready(ChannelFuture connected, EventLoop loop) {
        ChannelPromise promise = connected.channel().newPromise();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            }
        });
        loop.execute(() -> {
            ready = promise;
            settle();
        });
        return promise;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Messages.sslRequest(ctx.alloc()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            ctx.fireChannelRead(msg);
            return;
        }
        answered = true;
        ByteBuf buf = (ByteBuf) msg;
        byte answer = buf.readByte();
        boolean more = buf.isReadable();
        buf.release();
        if (more) {
            fail(ctx, "PostgreSQL server " + server.name() + " sent unexpected data after its answer to SSLRequest", null);
        } else if (answer == 'S') {
            ctx.pipeline().addBefore(ctx.name(), null, tls.newHandler(ctx.alloc()));
        } else if (answer != 'N') {
            fail(ctx, "PostgreSQL server " + server.name() + " answered SSLRequest with '" + (char) answer + "'", null);
        } else if (tls.mode().required()) {
            fail(ctx, "PostgreSQL server " + server.name() + " does not accept TLS (tls_mode = " + tls.mode() + ")", null);
        } else {
            connected(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !done) {
            if (handshake.isSuccess()) {
                connected(ctx);
            } else {
                fail(ctx, "TLS with PostgreSQL server " + server.name() + " failed (tls_mode = " + tls.mode() + "): "
                        + reason(handshake.cause()), handshake.cause());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            ctx.fireExceptionCaught(cause);
        } else {
            fail(ctx, "TLS with PostgreSQL server " + server.name() + " failed (tls_mode = " + tls.mode() + "): " + reason(cause), cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            failure = new SSLException("PostgreSQL server " + server.name() + " closed the connection during the TLS negotiation");
            settle();
        }
        ctx.fireChannelInactive();
    }

    private void connected(ChannelHandlerContext ctx) {
        done = true;
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
        settle();
    }

    private void fail(ChannelHandlerContext ctx, String message, Throwable cause) {
        done = true;
        failure = new SSLException(message, cause);
        settle();
        ctx.close();
    }

    private void settle() {
        if (ready == null || !done) {
            return;
        }
        if (failure == null) {
            ready.trySuccess();
        } else {
            ready.tryFailure(failure);
        }
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
