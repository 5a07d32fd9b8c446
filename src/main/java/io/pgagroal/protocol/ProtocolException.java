package io.pgagroal.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/** A message that does not follow its format in the protocol documentation ("Message Formats"). */
public final class ProtocolException extends CorruptedFrameException {

    private static final long serialVersionUID = 1L;

    /**
     * @param messageType the message's name in the protocol documentation, such as "ParameterStatus"
     * @param problem what is wrong with it
     */
    public ProtocolException(String messageType, String problem) {
        super("malformed " + messageType + ": " + problem);
    }
}
