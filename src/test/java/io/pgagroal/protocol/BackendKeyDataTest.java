package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BackendKeyDataTest {

    @Test
    void decodesWhatPostgreSql15Sends() {
        assertThat(Wire.decode(BackendKeyData::decode, Wire.hex("00002801 35385250"))).isEqualTo(new BackendKeyData(10241, 0x35385250));
    }

    @Test
    void encodesTheWholeMessage() {
        byte[] bytes = Wire.framed(new BackendKeyData(10241, -2).encode(ByteBufAllocator.DEFAULT), 'K');
        assertThat(bytes).isEqualTo(HexFormat.of().parseHex("4b0000000c00002801fffffffe"));
    }

    @Test
    void roundTrips() {
        BackendKeyData key = new BackendKeyData(Integer.MAX_VALUE, Integer.MIN_VALUE);
        assertThat(BackendKeyData.decode(Wire.body(key.encode(ByteBufAllocator.DEFAULT), 'K'))).isEqualTo(key);
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(BackendKeyData::decode, Wire.hex("00002801 35385250"), "BackendKeyData");
        Wire.trailingBytesFail(BackendKeyData::decode, Wire.hex("00002801 35385250"), "BackendKeyData");
    }
}
