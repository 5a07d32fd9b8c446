package io.pgagroal.session;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

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
}
