package io.pgagroal.vault;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection of pgagroal-vault: its one request is answered by {@link Routes} on a lookup
 * thread, from its request line alone, and the connection closed after the answer; a body is ignored,
 * as upstream ignores whatever follows its 1 KiB read. A request that is not valid HTTP or too long is
 * answered 400 (upstream: 404).
 */
final class VaultHandler extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger LOG = LoggerFactory.getLogger(VaultHandler.class);

    private final Routes routes;
    private final ExecutorService lookups;

    VaultHandler(Routes routes, ExecutorService lookups) {
        this.routes = routes;
        this.lookups = lookups;
    }

    private boolean answered;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (answered || !(message instanceof HttpRequest request)) {
            return;
        }
        answered = true;
        if (request.decoderResult().isFailure()) {
            send(ctx, new Routes.Answer(400, null, ""));
            return;
        }
        String method = request.method().name();
        String path = new QueryStringDecoder(request.uri()).rawPath();
        Optional<String> identity = CertificateIdentity.of(ctx.channel());
        try {
            lookups.execute(() -> send(ctx, routes.answer(method, path, identity)));
        } catch (RejectedExecutionException e) {
            ctx.close();
        }
    }

    private static void send(ChannelHandlerContext ctx, Routes.Answer answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()),
                Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
        if (answer.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("pgagroal-vault connection: {}", cause.toString());
        ctx.close();
    }
}
