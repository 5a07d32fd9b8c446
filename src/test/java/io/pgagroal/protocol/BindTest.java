package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BindTest {

    /** The rest of a Bind: one text parameter format, one parameter "7", no result formats. */
    private static final String REST = "0001 0000 0001 00000001 37 0000";

    /** Bind of the unnamed portal to statement "s1". */
    private static final String S1 = "00 733100 " + REST;

    @Test
    void decodesTheTwoNamesAndWhereTheRestBegins() {
        ByteBuf body = Wire.hex("706f7200 733100 " + REST);
        Bind bind = Wire.decode(Bind::decode, body);
        assertThat(bind).isEqualTo(new Bind("por", "s1", 7));
        assertThat(body.getShort(body.readerIndex() + bind.restOffset())).as("parameter format code count").isEqualTo((short) 1);
    }

    @Test
    void decodesFromTheFirstPartOfAMessage() {
        ByteBuf body = Wire.hex(S1);
        assertThat(Bind.decode(body.slice(body.readerIndex(), 4))).isEqualTo(new Bind("", "s1", 4));
        assertThat(Bind.decode(body.slice(body.readerIndex(), 6))).isEqualTo(new Bind("", "s1", 4));
    }

    @Test
    void failsWhenTheNamesAreCutShort() {
        ByteBuf body = Wire.hex(S1);
        Wire.everyTruncationFails(Bind::decode, body.slice(body.readerIndex(), 4), "Bind");
        assertThatThrownBy(() -> Bind.decode(Wire.hex("00 7331"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Bind: the statement name has no NUL terminator");
        assertThatThrownBy(() -> Bind.decode(Wire.hex(""))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Bind: the body ends before the portal name");
    }

    @Test
    void renamedKeepsThePortalAndTheRestByteForByte() {
        byte[] renamed = Wire.framed(Bind.renamed(Wire.hex("706f7200 733100 " + REST), "pgagroal_1", ByteBufAllocator.DEFAULT), 'B');
        assertThat(HexFormat.of().formatHex(renamed, 5, renamed.length))
                .isEqualTo(("706f7200 70676167726f616c5f3100 " + REST).replace(" ", ""));
        ByteBuf unnamed = Wire.body(Bind.renamed(Wire.hex("00 00 " + REST), "s2", ByteBufAllocator.DEFAULT), 'B');
        assertThat(Bind.decode(unnamed)).isEqualTo(new Bind("", "s2", 4));
    }
}
