package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;

/** NoticeResponse ('N'): a notice, with every field PostgreSQL sent, in order. */
public record NoticeResponse(Map<Character, String> fields) implements ErrorOrNotice {

    public NoticeResponse {
        fields = ErrorOrNoticeFields.copyOf(fields);
    }

    /** A notice as the pooler reports it: severity (as S and V), SQLSTATE and message. */
    public NoticeResponse(String severity, String code, String message) {
        this(ErrorOrNoticeFields.of(severity, code, message));
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when a value is not NUL-terminated, the list terminator is missing, or bytes follow it
     */
    public static NoticeResponse decode(ByteBuf body) {
        return new NoticeResponse(ErrorOrNoticeFields.decode("NoticeResponse", body));
    }

    /** The whole message: type byte, length and body, fields in order. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return ErrorOrNoticeFields.encode(alloc, Protocol.NOTICE_RESPONSE, fields);
    }

    /** {@inheritDoc} NOTICE when the notice has neither. */
    @Override
    public String severity() {
        return ErrorOrNoticeFields.severity(fields, "NOTICE");
    }

    @Override
    public String toString() {
        return severity() + " " + code() + " " + message();
    }
}
