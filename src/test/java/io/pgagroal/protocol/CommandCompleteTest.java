package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CommandCompleteTest {

    @Test
    void decodesWhatPostgreSql15Sends() {
        assertThat(Wire.decode(CommandComplete::decode, Wire.hex("53454c4543542030 00"))).isEqualTo(new CommandComplete("SELECT 0"));
    }

    @Test
    void encodesTheWholeMessage() {
        assertThat(Wire.framed(new CommandComplete("BEGIN").encode(ByteBufAllocator.DEFAULT), 'C'))
                .isEqualTo(HexFormat.of().parseHex("430000000a424547494e00"));
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(CommandComplete::decode, Wire.hex("424547494e00"), "CommandComplete");
        Wire.trailingBytesFail(CommandComplete::decode, Wire.hex("424547494e00"), "CommandComplete");
        assertThatThrownBy(() -> CommandComplete.decode(Wire.hex("424547494e"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed CommandComplete: the command tag has no NUL terminator");
    }
}
