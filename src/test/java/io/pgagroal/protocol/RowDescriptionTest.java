package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RowDescriptionTest {

    /** {@code SELECT 1 AS one, relname FROM pg_class} as PostgreSQL 15 describes it. */
    private static final String ONE_AND_RELNAME = "0002"
            + "6f6e6500 00000000 0000 00000017 0004 ffffffff 0000"
            + "72656c6e616d6500 000004eb 0002 00000013 0040 ffffffff 0000";

    @Test
    void decodesWhatPostgreSql15Sends() {
        RowDescription description = Wire.decode(RowDescription::decode, Wire.hex(ONE_AND_RELNAME));
        assertThat(description.fieldCount()).isEqualTo(2);
        assertThat(description.fields()).containsExactly(
                new RowDescription.Field("one", 0, (short) 0, 23, (short) 4, -1, (short) 0),
                new RowDescription.Field("relname", 1259, (short) 2, 19, (short) 64, -1, (short) 0));
    }

    @Test
    void equalDescriptionsCompareEqual() {
        RowDescription first = RowDescription.decode(Wire.hex(ONE_AND_RELNAME));
        RowDescription second = RowDescription.decode(Wire.hex(ONE_AND_RELNAME));
        assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
        RowDescription binary = RowDescription.decode(Wire.hex(ONE_AND_RELNAME.substring(0, ONE_AND_RELNAME.length() - 4) + "0001"));
        assertThat(binary).isNotEqualTo(first);
    }

    @Test
    void noFields() {
        assertThat(RowDescription.decode(Wire.hex("0000"))).isEqualTo(new RowDescription(List.of()));
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(RowDescription::decode, Wire.hex(ONE_AND_RELNAME), "RowDescription");
        Wire.trailingBytesFail(RowDescription::decode, Wire.hex(ONE_AND_RELNAME), "RowDescription");
        assertThatThrownBy(() -> RowDescription.decode(Wire.hex("ffff"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed RowDescription: negative field count -1");
    }
}
