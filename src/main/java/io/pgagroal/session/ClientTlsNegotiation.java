package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.pgagroal.protocol.Messages;
import io.pgagroal.security.ClientTls;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS with a client (spec §5.1, §13.3). An SSLRequest is answered 'S' and the handshake runs before
 * the StartupMessage is read; it is answered 'N' when tls = off, on the Unix socket (as PostgreSQL
 * does) and inside TLS. PostgreSQL 17's direct TLS is recognised by the first byte of a connection,
 * 0x16 (a TLS handshake record), which can never begin a startup packet's length: this handler sits
 * first in a new client's pipeline only to look at that byte, then leaves. A direct TLS client must
 * negotiate ALPN "postgresql", as PostgreSQL 17 requires; with tls = off it is closed. A failed
 * handshake closes the connection: nothing is ever answered in clear to a client that asked for TLS.
 */
final class ClientTlsNegotiation extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTlsNegotiation.class);
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final PoolState state;

    private ClientTlsNegotiation(PoolState state) {
        this.state = state;
    }

    /** The first handler of a client connection, before the startup packet decoder. */
    static ClientTlsNegotiation firstBytes(PoolState state) {
        return new ClientTlsNegotiation(state);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        if (!bytes.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (bytes.getByte(bytes.readerIndex()) == TLS_HANDSHAKE_RECORD) {
            ClientTls tls = state.tls;
            if (tls == null || !tcp(ctx.channel())) {
                LOG.info("direct TLS connection refused: address={}: {}", FrontendHandler.address(ctx.channel()),
                        tls == null ? "tls is off" : "TLS is not offered on the Unix socket");
                bytes.release();
                ctx.close();
                return;
            }
            ctx.pipeline().addAfter(ctx.name(), null, handshake(ctx.channel(), tls, true));
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    /** Answers an SSLRequest: 'S' and the handshake, or 'N'. */
    static void answer(ChannelHandlerContext ctx, PoolState state) {
        Channel channel = ctx.channel();
        ClientTls tls = state.tls;
        if (tls == null || !tcp(channel) || encrypted(channel)) {
            ctx.writeAndFlush(Messages.declineEncryption(ctx.alloc()));
            return;
        }
        ctx.writeAndFlush(Messages.acceptEncryption(ctx.alloc()));
        channel.pipeline().addFirst(handshake(channel, tls, false));
    }

    /** Whether the client is on TLS. */
    static boolean encrypted(Channel channel) {
        return ClientTls.encrypted(channel);
    }

    /**
     * The tls-server-end-point data of the client's TLS session, to offer SCRAM-SHA-256-PLUS with;
     * null when the client is not on TLS or its certificate's signature has no usable hash.
     */
    static byte[] channelBinding(Channel channel) {
        return ClientTls.channelBinding(channel);
    }

    private static SslHandler handshake(Channel channel, ClientTls tls, boolean direct) {
        SslHandler handler = tls.handshake(channel);
        if (direct) {
            handler.handshakeFuture().addListener(f -> {
                if (f.isSuccess() && !ClientTls.ALPN.equals(handler.applicationProtocol())) {
                    LOG.info("direct TLS connection refused: address={}: the client did not negotiate ALPN \"{}\"",
                            FrontendHandler.address(channel), ClientTls.ALPN);
                    channel.close();
                }
            });
        }
        return handler;
    }

    private static boolean tcp(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress;
    }
}
