package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * DataRow ('D'): one row of a result whose columns are in text format, which is what the pooler
 * asks for in the queries it runs itself (auth_query).
 *
 * @param values the value of each column, null for SQL NULL
 */
public record DataRow(List<String> values) {

    public DataRow {
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the body does not hold the columns it announces, a length is below -1, or bytes follow
     */
    public static DataRow decode(ByteBuf body) {
        BodyReader reader = new BodyReader("DataRow", body);
        short count = reader.count("column count");
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = reader.int32("column value length");
            if (length < -1) {
                throw reader.failure("column value length " + length);
            }
            values.add(length == -1 ? null : new String(reader.bytes(length, "column value"), StandardCharsets.UTF_8));
        }
        reader.end();
        return new DataRow(values);
    }
}
