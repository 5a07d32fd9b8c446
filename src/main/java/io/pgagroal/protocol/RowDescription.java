package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** RowDescription ('T'): the fields of the rows a query returns, in order; values compare equal field by field. */
public record RowDescription(List<RowDescription.Field> fields) {

    /**
     * One field of a row.
     *
     * @param name the field name
     * @param tableOid the object ID of the table the field is a column of, otherwise zero
     * @param columnNumber the attribute number of that column, otherwise zero
     * @param typeOid the object ID of the field's data type
     * @param typeSize the data type size (pg_type.typlen); negative values denote variable-width types
     * @param typeModifier the type modifier (pg_attribute.atttypmod)
     * @param format the format code: zero (text) or one (binary)
     */
    public record Field(String name, int tableOid, short columnNumber, int typeOid, short typeSize, int typeModifier, short format) {
    }

    public RowDescription {
        fields = List.copyOf(fields);
    }

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the body ends before the fields it announces, or bytes follow them
     */
    public static RowDescription decode(ByteBuf body) {
        BodyReader reader = new BodyReader("RowDescription", body);
        short count = reader.count("field count");
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new Field(reader.cString("field name"), reader.int32("table OID"), reader.int16("column number"),
                    reader.int32("type OID"), reader.int16("type size"), reader.int32("type modifier"), reader.int16("format code")));
        }
        reader.end();
        return new RowDescription(fields);
    }

    /** The number of fields in a row. */
    public int fieldCount() {
        return fields.size();
    }
}
