package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/** The fields of an ErrorResponse or NoticeResponse body that the pooler reports or acts on. */
public record ErrorResponse(String severity, String code, String message) {

    /** Decodes a body (after type byte and length); the buffer's reader index is not moved. */
    public static ErrorResponse decode(ByteBuf body) {
        ByteBuf buf = body.duplicate();
        Map<Character, String> fields = new HashMap<>();
        while (buf.isReadable()) {
            byte field = buf.readByte();
            if (field == 0) {
                break;
            }
            fields.put((char) field, Messages.readCString(buf));
        }
        String severity = fields.getOrDefault('V', fields.getOrDefault('S', "ERROR"));
        return new ErrorResponse(severity, fields.getOrDefault('C', ""), fields.getOrDefault('M', ""));
    }

    /** FATAL and PANIC end the backend session: the connection cannot be used again. */
    public boolean endsSession() {
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    @Override
    public String toString() {
        return severity + " " + code + " " + message;
    }
}
