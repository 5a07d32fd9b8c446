package io.pgagroal.session;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;

/** Channel pipeline edits the conversations share. */
final class Handlers {

    private Handlers() {
    }

    /** Removes the handler of each type, in order, where there is one. */
    @SafeVarargs
    static void removeIfPresent(ChannelPipeline pipeline, Class<? extends ChannelHandler>... types) {
        for (Class<? extends ChannelHandler> type : types) {
            ChannelHandler handler = pipeline.get(type);
            if (handler != null) {
                pipeline.remove(handler);
            }
        }
    }

    /**
     * Puts {@code handlers}, in order, first among the handlers that see the connection's messages:
     * right behind its SslHandler on a TLS connection, where bytes are plaintext, else at the head.
     */
    static void addFirst(ChannelPipeline pipeline, ChannelHandler... handlers) {
        ChannelHandlerContext tls = pipeline.context(SslHandler.class);
        if (tls == null) {
            pipeline.addFirst(handlers);
            return;
        }
        for (int i = handlers.length - 1; i >= 0; i--) {
            pipeline.addAfter(tls.name(), null, handlers[i]);
        }
    }
}
