package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ParameterStatusTest {

    /** application_name = capture, as PostgreSQL 15 reports it at startup. */
    private static final String APPLICATION_NAME = "6170706c69636174696f6e5f6e616d65 00 63617074757265 00";

    @Test
    void decodesWhatPostgreSql15Sends() {
        assertThat(Wire.decode(ParameterStatus::decode, Wire.hex(APPLICATION_NAME))).isEqualTo(new ParameterStatus("application_name", "capture"));
    }

    @Test
    void encodesTheWholeMessage() {
        byte[] bytes = Wire.framed(new ParameterStatus("application_name", "capture").encode(ByteBufAllocator.DEFAULT), 'S');
        assertThat(bytes).isEqualTo(HexFormat.of().parseHex(("53 0000001d" + APPLICATION_NAME).replace(" ", "")));
    }

    @Test
    void roundTripsUtf8AndEmptyValues() {
        ParameterStatus status = new ParameterStatus("application_name", "café ☕");
        assertThat(ParameterStatus.decode(Wire.body(status.encode(ByteBufAllocator.DEFAULT), 'S'))).isEqualTo(status);
        ParameterStatus empty = new ParameterStatus("search_path", "");
        assertThat(ParameterStatus.decode(Wire.body(empty.encode(ByteBufAllocator.DEFAULT), 'S'))).isEqualTo(empty);
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(ParameterStatus::decode, Wire.hex(APPLICATION_NAME), "ParameterStatus");
        Wire.trailingBytesFail(ParameterStatus::decode, Wire.hex(APPLICATION_NAME), "ParameterStatus");
        assertThatThrownBy(() -> ParameterStatus.decode(Wire.hex("6100 62")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ParameterStatus: the parameter value has no NUL terminator");
        assertThatThrownBy(() -> ParameterStatus.decode(Wire.hex("6100")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ParameterStatus: the body ends before the parameter value");
    }
}
