package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataRowTest {

    /** {@code SELECT 'md5…', NULL, ''} answered by PostgreSQL 15 in text format. */
    private static final String HASH_NULL_EMPTY = "0003 00000023 6d6435" + "3132333435363738393031323334353637383930313233343536373839303132"
            + " ffffffff 00000000";

    @Test
    void decodesWhatPostgreSql15Sends() {
        DataRow row = Wire.decode(DataRow::decode, Wire.hex(HASH_NULL_EMPTY));
        assertThat(row.values()).containsExactly("md512345678901234567890123456789012", null, "");
        assertThat(row).isEqualTo(new DataRow(Arrays.asList("md512345678901234567890123456789012", null, "")));
        assertThat(DataRow.decode(Wire.hex("0000")).values()).isEmpty();
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(DataRow::decode, Wire.hex(HASH_NULL_EMPTY), "DataRow");
        Wire.trailingBytesFail(DataRow::decode, Wire.hex(HASH_NULL_EMPTY), "DataRow");
        assertThatThrownBy(() -> DataRow.decode(Wire.hex("ffff"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed DataRow: negative column count -1");
        assertThatThrownBy(() -> DataRow.decode(Wire.hex("0001 fffffffe"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed DataRow: column value length -2");
    }
}
