package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void errorResponseIsWellFormed() {
        ByteBuf error = Messages.fatal(ByteBufAllocator.DEFAULT, SqlState.TOO_MANY_CONNECTIONS, "connection pool is full");
        assertThat(error.getByte(0)).isEqualTo(Protocol.ERROR_RESPONSE);
        assertThat(error.getInt(1)).as("length counts itself and the body").isEqualTo(error.readableBytes() - 1);
        assertThat(error.getByte(error.writerIndex() - 1)).as("field list terminator").isZero();
        assertThat(error.getByte(error.writerIndex() - 2)).as("last field terminator").isZero();
        ErrorResponse decoded = ErrorResponse.decode(error.slice(5, error.readableBytes() - 5));
        assertThat(decoded).isEqualTo(new ErrorResponse("FATAL", "53300", "connection pool is full"));
        assertThat(decoded.endsSession()).isTrue();
        error.release();
    }

    @Test
    void queryIsTerminatedUtf8() {
        ByteBuf query = Messages.query(ByteBufAllocator.DEFAULT, "SELECT 'é'");
        assertThat(query.getInt(1)).isEqualTo(query.readableBytes() - 1);
        assertThat(query.getByte(query.writerIndex() - 1)).isZero();
        query.skipBytes(5);
        assertThat(Messages.readCString(query)).isEqualTo("SELECT 'é'");
        query.release();
    }
}
