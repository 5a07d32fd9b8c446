package io.pgagroal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ReadyForQuery;
import org.junit.jupiter.api.Test;

class ScannedStateTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void detectsFatalAndPanicButNotError() {
        for (String severity : new String[] {"FATAL", "PANIC", "ERROR", "WARNING"}) {
            ScannedState state = new ScannedState(null);
            ByteBuf error = Messages.errorResponse(ALLOC, severity, "XX000", "boom");
            assertThat(state.scanServer(error)).as(severity).isEqualTo(!severity.equals("ERROR") && !severity.equals("WARNING"));
            error.release();
        }
    }

    @Test
    void detectsFatalByTheNonLocalisedSeverity() {
        ByteBuf error = Unpooled.buffer().writeByte('E').writeInt(0);
        error.writeBytes("SSCHWERWIEGEND\0VFATAL\0C57P01\0\0".getBytes());
        error.setInt(1, error.readableBytes() - 1);
        assertThat(new ScannedState(null).scanServer(error)).isTrue();
        error.release();
    }

    @Test
    void tracksOwedReadyForQueryAndTransactionStatus() {
        SessionPipeline pipeline = new SessionPipeline();
        ScannedState state = (ScannedState) pipeline.newState();
        ByteBuf requests = Unpooled.buffer();
        for (ByteBuf query : new ByteBuf[] {Messages.query(ALLOC, "BEGIN"), Messages.query(ALLOC, "SELECT 1")}) {
            requests.writeBytes(query);
            query.release();
        }
        requests.writeByte('P').writeInt(4).writeByte('E').writeInt(4).writeByte('S').writeInt(4);
        assertThat(state.scanClient(requests)).isEqualTo(-1);
        assertThat(state.pendingReadyForQuery()).isEqualTo(3);
        readyForQuery(state, 'T');
        assertThat(state.pendingReadyForQuery()).isEqualTo(2);
        assertThat(state.transactionStatus()).isEqualTo((byte) 'T');
        readyForQuery(state, 'T');
        readyForQuery(state, 'I');
        assertThat(state.pendingReadyForQuery()).isZero();
        assertThat(state.transactionStatus()).isEqualTo((byte) 'I');
        assertThat(pipeline.statistics().queries()).as("two Query and one Execute").isEqualTo(3);
        assertThat(pipeline.statistics().transactions()).isEqualTo(1);
        assertThat(pipeline.statistics().bytesToServer()).isEqualTo(requests.readableBytes());
        requests.release();
    }

    private static void readyForQuery(ScannedState state, char status) {
        ByteBuf message = ReadyForQuery.of((byte) status).encode(ALLOC);
        state.scanServer(message);
        message.release();
    }
}
