package io.pgagroal.vault;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.pgagroal.security.VaultTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells HTTPS from HTTP on pgagroal-vault's one port (spec §1.4), as upstream peeks for a ClientHello:
 * a connection whose first byte is 0x16 (a TLS handshake record, never the start of an HTTP request)
 * gets the handshake when tls = on and is closed when tls = off; a plain request with tls = on is
 * answered by {@link HttpsRedirect} instead of the routes. This handler looks at the first bytes only,
 * then leaves the pipeline.
 */
final class HttpsNegotiation extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsNegotiation.class);
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final VaultTls tls;
    private final HttpsRedirect redirect;

    /** @param tls null with tls = off */
    HttpsNegotiation(VaultTls tls, HttpsRedirect redirect) {
        this.tls = tls;
        this.redirect = redirect;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        if (!bytes.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean clientHello = bytes.getByte(bytes.readerIndex()) == TLS_HANDSHAKE_RECORD;
        if (clientHello && tls == null) {
            LOG.info("pgagroal-vault: {} requested TLS, but tls is off: closed", ctx.channel().remoteAddress());
            bytes.release();
            ctx.close();
            return;
        }
        if (clientHello) {
            ctx.pipeline().addAfter(ctx.name(), null, handshake(ctx.channel()));
        } else if (tls != null) {
            ctx.pipeline().replace(VaultHandler.class, null, redirect);
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    private SslHandler handshake(Channel channel) {
        SslHandler handler = tls.newHandler(channel.alloc());
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                LOG.info("pgagroal-vault: TLS handshake with {} failed: {}", channel.remoteAddress(), f.cause().getMessage());
                channel.close();
            }
        });
        return handler;
    }
}
