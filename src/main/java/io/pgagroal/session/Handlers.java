package io.pgagroal.session;

import io.netty.channel.ChannelPipeline;

/** Channel pipeline edits the conversations share. */
final class Handlers {

    private Handlers() {
    }

    static void removeIfPresent(ChannelPipeline pipeline, String name) {
        if (pipeline.get(name) != null) {
            pipeline.remove(name);
        }
    }
}
