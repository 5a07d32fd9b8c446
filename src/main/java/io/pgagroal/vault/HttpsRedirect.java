package io.pgagroal.vault;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to a plain HTTP request when the vault has tls = on (spec §1.4): {@code 301 Moved
 * Permanently} to {@code https://<host>:<port><path>}, host and port those the vault listens on (with
 * {@code host = *}, the host the client named in its Host header), then the connection is closed.
 */
@ChannelHandler.Sharable
final class HttpsRedirect extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsRedirect.class);

    private final String host;
    private final int port;

    HttpsRedirect(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (!(message instanceof HttpRequest request)) {
            return;
        }
        String location = "https://" + host(request) + ":" + port + request.uri();
        LOG.info("pgagroal-vault: {} did not use TLS: redirected to {}", ctx.channel().remoteAddress(), location);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private String host(HttpRequest request) {
        if (!host.equals("*")) {
            return host;
        }
        String named = request.headers().get(HttpHeaderNames.HOST);
        try {
            String parsed = named == null ? null : URI.create("http://" + named).getHost();
            return parsed == null ? "localhost" : parsed;
        } catch (IllegalArgumentException e) {
            return "localhost";
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
