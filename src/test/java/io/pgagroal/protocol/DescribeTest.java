package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class DescribeTest {

    @Test
    void decodesKindAndName() {
        Describe statement = Wire.decode(Describe::decode, Wire.hex("53 733100"));
        assertThat(statement).isEqualTo(new Describe(Describe.STATEMENT, "s1"));
        assertThat(statement.ofStatement()).isTrue();
        assertThat(statement).hasToString("Describe[S s1]");
        Describe portal = Describe.decode(Wire.hex("50 00"));
        assertThat(portal).isEqualTo(new Describe(Describe.PORTAL, ""));
        assertThat(portal.ofStatement()).isFalse();
    }

    @Test
    void encodesTheWholeMessage() {
        assertThat(Wire.framed(new Describe(Describe.STATEMENT, "s1").encode(ByteBufAllocator.DEFAULT), 'D'))
                .containsExactly('D', 0, 0, 0, 8, 'S', 's', '1', 0);
    }

    @Test
    void renamedKeepsTheKind() {
        assertThat(Wire.framed(Describe.renamed(Wire.hex("53 733100"), "pgagroal_1", ByteBufAllocator.DEFAULT), 'D'))
                .containsExactly('D', 0, 0, 0, 16, 'S', 'p', 'g', 'a', 'g', 'r', 'o', 'a', 'l', '_', '1', 0);
        assertThat(Describe.decode(Wire.body(Describe.renamed(Wire.hex("50 00"), "c", ByteBufAllocator.DEFAULT), 'D'))).isEqualTo(new Describe(Describe.PORTAL, "c"));
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(Describe::decode, Wire.hex("53 733100"), "Describe");
        Wire.trailingBytesFail(Describe::decode, Wire.hex("53 733100"), "Describe");
        assertThatThrownBy(() -> Describe.decode(Wire.hex("58 00"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Describe: kind 0x58 is neither 'S' (statement) nor 'P' (portal)");
        assertThatThrownBy(() -> Describe.renamed(Wire.hex("53 7331"), "x", ByteBufAllocator.DEFAULT)).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed Describe: the name has no NUL terminator");
        assertThatThrownBy(() -> new Describe((byte) 'X', "")).isInstanceOf(IllegalArgumentException.class);
    }
}
