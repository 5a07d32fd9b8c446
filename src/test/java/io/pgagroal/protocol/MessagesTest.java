package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
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
    void theBodyOfAMessageIsWhatFollowsItsLengthWithoutMovingAnIndex() {
        ByteBuf buf = Unpooled.buffer().writeBytes(new byte[] {1, 2});
        buf.writeBytes(Wire.framed(new ParameterStatus("TimeZone", "UTC").encode(ByteBufAllocator.DEFAULT), 'S')).skipBytes(2);
        ByteBuf body = Wire.decode(Messages::body, buf);
        assertThat(ParameterStatus.decode(body)).isEqualTo(new ParameterStatus("TimeZone", "UTC"));
        assertThat(body.readableBytes()).isEqualTo(buf.readableBytes() - 5);
        assertThat(Messages.body(buf.slice(2, 9)).toString(StandardCharsets.UTF_8)).as("the body bytes of a head").isEqualTo("Time");
        buf.release();
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
