package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParseTest {

    /** Parse of statement "s1", {@code SELECT $1::int}, parameter type int4 (OID 23). */
    private static final String S1 = "733100 53454c4543542024313a3a696e7400 0001 00000017";

    @Test
    void decodesNameQueryAndParameterTypes() {
        assertThat(Wire.decode(Parse::decode, Wire.hex(S1))).isEqualTo(new Parse("s1", "SELECT $1::int", List.of(23)));
        assertThat(Parse.decode(Wire.hex("00 53454c454354203100 0000"))).isEqualTo(new Parse("", "SELECT 1", List.of()));
    }

    @Test
    void encodesTheWholeMessage() {
        byte[] bytes = Wire.framed(new Parse("s1", "SELECT $1::int", List.of(23)).encode(ByteBufAllocator.DEFAULT), 'P');
        assertThat(bytes).isEqualTo(HexFormat.of().parseHex(("50 0000001c" + S1).replace(" ", "")));
    }

    @Test
    void roundTripsUnsignedOidsAndUtf8() {
        Parse parse = new Parse("é", "SELECT $1, $2 -- ☕", List.of(0, 0xfffffff0));
        assertThat(Parse.decode(Wire.body(parse.encode(ByteBufAllocator.DEFAULT), 'P'))).isEqualTo(parse);
    }

    @Test
    void renamedKeepsTheQueryAndTypesByteForByte() {
        String latin1Query = "53454c45435420276361 66e9 2700 0001 00000019";
        byte[] renamed = Wire.framed(Parse.renamed(Wire.hex("733100" + latin1Query), "pgagroal_1", ByteBufAllocator.DEFAULT), 'P');
        assertThat(HexFormat.of().formatHex(renamed, 5, renamed.length))
                .isEqualTo(("70676167726f616c5f3100" + latin1Query).replace(" ", ""));
        byte[] named = Wire.framed(Parse.renamed(Wire.hex("00" + latin1Query), "s", ByteBufAllocator.DEFAULT), 'P');
        assertThat(HexFormat.of().formatHex(named, 5, named.length)).isEqualTo(("7300" + latin1Query).replace(" ", ""));
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(Parse::decode, Wire.hex(S1), "Parse");
        Wire.trailingBytesFail(Parse::decode, Wire.hex(S1), "Parse");
        assertThatThrownBy(() -> Parse.decode(Wire.hex("7331 00 53 00 ffff"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Parse: negative parameter type count -1");
        assertThatThrownBy(() -> Parse.decode(Wire.hex("7331 00 53 00 0002 00000017"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Parse: the body ends before the parameter type OID (4 bytes needed, 0 left)");
        assertThatThrownBy(() -> Parse.renamed(Wire.hex("7331"), "x", ByteBufAllocator.DEFAULT)).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Parse: the statement name has no NUL terminator");
    }
}
