package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class ExecuteTest {

    @Test
    void decodesPortalAndRowLimit() {
        assertThat(Wire.decode(Execute::decode, Wire.hex("00 00000000"))).isEqualTo(new Execute("", 0));
        assertThat(Execute.decode(Wire.hex("6300 000000c8"))).isEqualTo(new Execute("c", 200));
    }

    @Test
    void encodesTheWholeMessage() {
        assertThat(Wire.framed(new Execute("", 0).encode(ByteBufAllocator.DEFAULT), 'E')).containsExactly('E', 0, 0, 0, 9, 0, 0, 0, 0, 0);
        Execute execute = new Execute("portal ☕", 1000);
        assertThat(Execute.decode(Wire.body(execute.encode(ByteBufAllocator.DEFAULT), 'E'))).isEqualTo(execute);
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(Execute::decode, Wire.hex("6300 000000c8"), "Execute");
        Wire.trailingBytesFail(Execute::decode, Wire.hex("6300 000000c8"), "Execute");
    }
}
