package io.pgagroal.protocol;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Whole-message framing (type byte, then a length that counts itself) for the conversations the
 * pooler takes part in: authentication, startup and connection reset. The performance and session
 * relays do not frame; the transaction pipeline does.
 */
public final class Frames {

    public static final String NAME = "framer";
    public static final String RELAY_NAME = "relay-framer";

    /** Large enough for any startup, authentication or reset message, and for NoticeResponses. */
    private static final int MAX_MESSAGE = 1024 * 1024;

    private Frames() {
    }

    /** PostgreSQL's own limit on a message (MaxAllocSize): the transaction pipeline frames everything. */
    private static final int MAX_RELAYED_MESSAGE = 0x3fffffff;

    public static LengthFieldBasedFrameDecoder decoder() {
        return new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 1, 4, -4, 0);
    }

    /** Whole messages for the transaction pipeline's relay. */
    public static LengthFieldBasedFrameDecoder relayDecoder() {
        return new LengthFieldBasedFrameDecoder(MAX_RELAYED_MESSAGE, 1, 4, -4, 0);
    }
}
