package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NoticeResponseTest {

    /** {@code RAISE NOTICE 'hello' USING DETAIL = 'd', HINT = 'h'} in a DO block, as PostgreSQL 15 sends it. */
    private static final String RAISE_NOTICE = "534e4f5449434500564e4f5449434500433030303030004d68656c6c6f0044640048680057504c2f706753514c2066756e6374696f6e2069"
            + "6e6c696e655f636f64655f626c6f636b206c696e6520312061742052414953450046706c5f657865632e63004c333839310052657865635f73746d745f72616973650000";

    @Test
    void decodesEveryFieldPostgreSql15Sends() {
        NoticeResponse notice = Wire.decode(NoticeResponse::decode, Wire.hex(RAISE_NOTICE));
        assertThat(notice.severity()).isEqualTo("NOTICE");
        assertThat(notice.code()).isEqualTo("00000");
        assertThat(notice.message()).isEqualTo("hello");
        assertThat(notice.detail()).isEqualTo("d");
        assertThat(notice.hint()).isEqualTo("h");
        assertThat(notice.where()).isEqualTo("PL/pgSQL function inline_code_block line 1 at RAISE");
        assertThat(notice.routine()).isEqualTo("exec_stmt_raise");
        assertThat(notice).hasToString("NOTICE 00000 hello");
    }

    @Test
    void encodesTheFieldsInTheirOrderByteForByte() {
        byte[] bytes = Wire.framed(NoticeResponse.decode(Wire.hex(RAISE_NOTICE)).encode(ByteBufAllocator.DEFAULT), 'N');
        assertThat(HexFormat.of().formatHex(bytes, 5, bytes.length)).isEqualTo(RAISE_NOTICE);
    }

    @Test
    void thePoolersOwnNoticeRoundTrips() {
        NoticeResponse notice = new NoticeResponse("WARNING", "01000", "pool is draining");
        assertThat(NoticeResponse.decode(Wire.body(notice.encode(ByteBufAllocator.DEFAULT), 'N'))).isEqualTo(notice);
        assertThat(NoticeResponse.decode(Wire.hex("00")).severity()).isEqualTo("NOTICE");
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(NoticeResponse::decode, Wire.hex(RAISE_NOTICE), "NoticeResponse");
        Wire.trailingBytesFail(NoticeResponse::decode, Wire.hex(RAISE_NOTICE), "NoticeResponse");
        assertThatThrownBy(() -> NoticeResponse.decode(Wire.hex("4d6869"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed NoticeResponse: the field value has no NUL terminator");
    }
}
