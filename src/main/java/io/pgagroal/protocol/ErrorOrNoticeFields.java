package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes the field list that ErrorResponse and NoticeResponse share. */
final class ErrorOrNoticeFields {

    private ErrorOrNoticeFields() {
    }

    /** An unmodifiable copy that keeps the order; field type 0 would end the list, so it is refused. */
    static Map<Character, String> copyOf(Map<Character, String> fields) {
        Map<Character, String> copy = new LinkedHashMap<>(fields);
        copy.forEach((type, value) -> {
            if (type == 0 || type > 0xff || value == null) {
                throw new IllegalArgumentException("invalid field " + (int) type + "=" + value);
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** The fields the pooler reports: severity (S and V), SQLSTATE and message. */
    static Map<Character, String> of(String severity, String code, String message) {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put(ErrorOrNotice.SEVERITY, severity);
        fields.put(ErrorOrNotice.SEVERITY_NON_LOCALIZED, severity);
        fields.put(ErrorOrNotice.CODE, code);
        fields.put(ErrorOrNotice.MESSAGE, message);
        return fields;
    }

    static Map<Character, String> decode(String messageType, ByteBuf body) {
        BodyReader reader = new BodyReader(messageType, body);
        Map<Character, String> fields = new LinkedHashMap<>();
        while (!reader.endOfList("field list")) {
            char type = (char) (reader.int8("field type") & 0xff);
            fields.put(type, reader.cString("field value"));
        }
        reader.end();
        return fields;
    }

    static ByteBuf encode(ByteBufAllocator alloc, byte messageType, Map<Character, String> fields) {
        int length = 1;
        for (String value : fields.values()) {
            length += 1 + Messages.cStringLength(value);
        }
        ByteBuf buf = Messages.message(alloc, messageType, length);
        fields.forEach((type, value) -> {
            buf.writeByte(type);
            Messages.writeCString(buf, value);
        });
        return Messages.framed(buf.writeByte(0));
    }

    /** V when present, otherwise S, otherwise the given default. */
    static String severity(Map<Character, String> fields, String absent) {
        String severity = fields.get(ErrorOrNotice.SEVERITY_NON_LOCALIZED);
        return severity != null ? severity : fields.getOrDefault(ErrorOrNotice.SEVERITY, absent);
    }
}
