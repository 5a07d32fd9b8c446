package io.pgagroal.protocol;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Whole-message framing (type byte, then a length that counts itself) for the conversations the
 * pooler takes part in: authentication, startup, parameter adoption and connection reset, whose
 * messages are small. Relayed traffic is never framed whole: the performance and session pipelines
 * follow it with {@link MessageScanner}, the transaction pipeline with {@link MessageFramer}.
 */
public final class Frames {

    /** Large enough for any startup, authentication or reset message, and for NoticeResponses. */
    private static final int MAX_MESSAGE = 1024 * 1024;

    private Frames() {
    }

    public static Decoder decoder() {
        return new Decoder();
    }

    /** The framing handler, a type of its own so that a conversation that ends can find and remove it. */
    public static final class Decoder extends LengthFieldBasedFrameDecoder {

        private Decoder() {
            super(MAX_MESSAGE, 1, 4, -4, 0);
        }
    }
}
