package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class CloseTest {

    @Test
    void decodesKindAndName() {
        Close statement = Wire.decode(Close::decode, Wire.hex("53 733100"));
        assertThat(statement).isEqualTo(new Close(Close.STATEMENT, "s1"));
        assertThat(statement.ofStatement()).isTrue();
        assertThat(statement).hasToString("Close[S s1]");
        Close portal = Close.decode(Wire.hex("50 00"));
        assertThat(portal).isEqualTo(new Close(Close.PORTAL, ""));
        assertThat(portal.ofStatement()).isFalse();
    }

    @Test
    void encodesTheWholeMessage() {
        assertThat(Wire.framed(new Close(Close.STATEMENT, "s1").encode(ByteBufAllocator.DEFAULT), 'C'))
                .containsExactly('C', 0, 0, 0, 8, 'S', 's', '1', 0);
    }

    @Test
    void renamedKeepsTheKind() {
        assertThat(Wire.framed(Close.renamed(Wire.hex("53 733100"), "pgagroal_1", ByteBufAllocator.DEFAULT), 'C'))
                .containsExactly('C', 0, 0, 0, 16, 'S', 'p', 'g', 'a', 'g', 'r', 'o', 'a', 'l', '_', '1', 0);
        assertThat(Close.decode(Wire.body(Close.renamed(Wire.hex("50 00"), "c", ByteBufAllocator.DEFAULT), 'C'))).isEqualTo(new Close(Close.PORTAL, "c"));
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(Close::decode, Wire.hex("53 733100"), "Close");
        Wire.trailingBytesFail(Close::decode, Wire.hex("53 733100"), "Close");
        assertThatThrownBy(() -> Close.decode(Wire.hex("58 00"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Close: kind 0x58 is neither 'S' (statement) nor 'P' (portal)");
        assertThatThrownBy(() -> Close.renamed(Wire.hex("53 7331"), "x", ByteBufAllocator.DEFAULT)).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Close: the name has no NUL terminator");
        assertThatThrownBy(() -> new Close((byte) 'X', "")).isInstanceOf(IllegalArgumentException.class);
    }
}
