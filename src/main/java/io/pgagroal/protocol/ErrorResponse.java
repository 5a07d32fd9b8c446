package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;

/** ErrorResponse ('E'): an error, with every field PostgreSQL sent, in order. */
public record ErrorResponse(Map<Character, String> fields) implements ErrorOrNotice {

    public ErrorResponse {
        fields = ErrorOrNoticeFields.copyOf(fields);
    }

    /** An error as the pooler reports it: severity (as S and V), SQLSTATE and message. */
    public ErrorResponse(String severity, String code, String message) {
        this(ErrorOrNoticeFields.of(severity, code, message));
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when a value is not NUL-terminated, the list terminator is missing, or bytes follow it
     */
    public static ErrorResponse decode(ByteBuf body) {
        return new ErrorResponse(ErrorOrNoticeFields.decode("ErrorResponse", body));
    }

    /** The whole message: type byte, length and body, fields in order. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return ErrorOrNoticeFields.encode(alloc, Protocol.ERROR_RESPONSE, fields);
    }

    /** {@inheritDoc} ERROR when the error has neither. */
    @Override
    public String severity() {
        return ErrorOrNoticeFields.severity(fields, "ERROR");
    }

    /** FATAL and PANIC end the backend session: the connection cannot be used again. */
    public boolean endsSession() {
        String severity = severity();
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    @Override
    public String toString() {
        return severity() + " " + code() + " " + message();
    }
}
