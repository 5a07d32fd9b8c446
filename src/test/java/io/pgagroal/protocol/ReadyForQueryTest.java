package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class ReadyForQueryTest {

    @Test
    void decodesTheThreeStatusesToSharedInstances() {
        assertThat(Wire.decode(ReadyForQuery::decode, Wire.hex("49"))).isSameAs(ReadyForQuery.IDLE);
        assertThat(ReadyForQuery.decode(Wire.hex("54"))).isSameAs(ReadyForQuery.IN_TRANSACTION);
        assertThat(ReadyForQuery.decode(Wire.hex("45"))).isSameAs(ReadyForQuery.FAILED);
    }

    @Test
    void helpersTellTheStatus() {
        assertThat(ReadyForQuery.IDLE.idle()).isTrue();
        assertThat(ReadyForQuery.IDLE.inTransaction()).isFalse();
        assertThat(ReadyForQuery.IN_TRANSACTION.inTransaction()).isTrue();
        assertThat(ReadyForQuery.IN_TRANSACTION.failed()).isFalse();
        assertThat(ReadyForQuery.FAILED.failed()).isTrue();
        assertThat(ReadyForQuery.FAILED.idle()).isFalse();
        assertThat(ReadyForQuery.FAILED).hasToString("ReadyForQuery[E]");
    }

    @Test
    void encodesTheWholeMessage() {
        assertThat(Wire.framed(ReadyForQuery.IN_TRANSACTION.encode(ByteBufAllocator.DEFAULT), 'Z')).containsExactly('Z', 0, 0, 0, 5, 'T');
        assertThat(Wire.framed(ReadyForQuery.of(Protocol.TRANSACTION_IDLE).encode(ByteBufAllocator.DEFAULT), 'Z')).containsExactly('Z', 0, 0, 0, 5, 'I');
    }

    @Test
    void unknownStatusOrLengthFails() {
        assertThatThrownBy(() -> ReadyForQuery.decode(Wire.hex("58"))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ReadyForQuery: unknown transaction status 0x58");
        assertThatThrownBy(() -> ReadyForQuery.decode(Wire.hex(""))).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ReadyForQuery: the body has 0 bytes instead of 1");
        assertThatThrownBy(() -> ReadyForQuery.decode(Wire.hex("4949"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> ReadyForQuery.of((byte) 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
