package io.pgagroal.net;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Whole-message framing (type byte, then a length that counts itself) for the conversations the
 * pooler takes part in: authentication, startup and connection reset. The relay does not frame.
 */
final class Frames {

    static final String NAME = "framer";

    /** Large enough for any startup, authentication or reset message, and for NoticeResponses. */
    private static final int MAX_MESSAGE = 1024 * 1024;

    private Frames() {
    }

    static LengthFieldBasedFrameDecoder decoder() {
        return new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 1, 4, -4, 0);
    }
}
