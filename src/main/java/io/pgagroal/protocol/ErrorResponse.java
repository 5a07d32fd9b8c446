package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** ErrorResponse ('E'): an error, with every field PostgreSQL sent, in order. */
public record ErrorResponse(Map<Character, String> fields) implements ErrorOrNotice {

    /** The severities that end the backend session: the connection cannot be used again. */
    private static final byte[][] SESSION_ENDING = {"FATAL".getBytes(StandardCharsets.US_ASCII), "PANIC".getBytes(StandardCharsets.US_ASCII)};

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
        byte[] severity = severity().getBytes(StandardCharsets.UTF_8);
        return endingSeverity(severity, 0, severity.length);
    }

    /**
     * Whether an ErrorResponse has severity FATAL or PANIC, from the start of its body (copied, at
     * most {@link MessageScanner#MAX_PEEK} bytes: the severities are the first fields).
     */
    public static boolean endsSession(ByteBuf body) {
        byte[] start = new byte[Math.min(MessageScanner.MAX_PEEK, body.readableBytes())];
        body.getBytes(body.readerIndex(), start);
        return endsSession(start, start.length);
    }

    /**
     * Whether the first {@code length} bytes of an ErrorResponse body hold severity FATAL or PANIC,
     * without decoding or allocating: the relay peeks at every error this way. 'S' may be localised,
     * so the non-localised 'V' (sent by PostgreSQL 9.6 and later) counts too; a field cut off at
     * {@code length} does not count.
     */
    public static boolean endsSession(byte[] body, int length) {
        int i = 0;
        while (i < length && body[i] != 0) {
            byte field = body[i++];
            int start = i;
            while (i < length && body[i] != 0) {
                i++;
            }
            if (i >= length) {
                return false;
            }
            if ((field == SEVERITY || field == SEVERITY_NON_LOCALIZED) && endingSeverity(body, start, i)) {
                return true;
            }
            i++;
        }
        return false;
    }

    private static boolean endingSeverity(byte[] bytes, int start, int end) {
        for (byte[] severity : SESSION_ENDING) {
            if (Arrays.equals(bytes, start, end, severity, 0, severity.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return severity() + " " + code() + " " + message();
    }
}
