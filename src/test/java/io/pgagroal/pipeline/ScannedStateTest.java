package io.pgagroal.pipeline;

import static io.pgagroal.testing.ProtocolBytes.concat;
import static io.pgagroal.testing.ProtocolBytes.parse;
import static io.pgagroal.testing.ProtocolBytes.query;
import static io.pgagroal.testing.ProtocolBytes.sync;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ReadyForQuery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A relay that counts what it forwards and, per database, how much it had forwarded when asked to close idle connections. */
    private static final class Recording implements Relay {
        final RelayState state = new PerformancePipeline().newState();
        final Map<String, Integer> closedAfter = new HashMap<>();
        int forwarded;

        @Override
        public void writeToServer(ByteBuf buf) {
            forwarded += buf.readableBytes();
            buf.release();
        }

        @Override
        public void writeToClient(ByteBuf buf) {
            throw new AssertionError("the client is sent nothing");
        }

        @Override
        public void clientTerminated() {
            throw new AssertionError("the client sent no Terminate");
        }

        @Override
        public void serverFatal() {
            throw new AssertionError("the server sent nothing");
        }

        @Override
        public RelayState state() {
            return state;
        }

        @Override
        public void closeIdleConnections(List<String> databases) {
            assertThat(databases).doesNotHaveDuplicates();
            databases.forEach(database -> closedAfter.putIfAbsent(database, forwarded));
        }
    }

    @Test
    void idleConnectionsToTheDatabasesOfADatabaseStatementAreClosedBeforeItsLastByteGoesAtEverySplit() {
        byte[] select = query("SELECT 1");
        byte[] drop = query("  DROP DATABASE x");
        byte[] create = concat(parse("", "/* c */ CREATE DATABASE y TEMPLATE x", 0), sync());
        byte[] stream = concat(select, drop, create, query("create table t ()"));
        int dropEnd = select.length + drop.length;
        int createEnd = dropEnd + create.length - sync().length;
        PerformancePipeline pipeline = new PerformancePipeline();
        for (int first = 0; first <= stream.length; first++) {
            for (int second = first; second <= stream.length; second += 3) {
                Recording relay = new Recording();
                pipeline.client(relay, Unpooled.copiedBuffer(stream, 0, first));
                pipeline.client(relay, Unpooled.copiedBuffer(stream, first, second - first));
                pipeline.client(relay, Unpooled.copiedBuffer(stream, second, stream.length - second));
                assertThat(relay.forwarded).isEqualTo(stream.length);
                assertThat(relay.closedAfter.keySet()).as("splits at %d and %d", first, second).containsExactlyInAnyOrder("x", "y");
                assertThat(relay.closedAfter.get("x")).as("splits at %d and %d", first, second).isLessThan(dropEnd);
                assertThat(relay.closedAfter.get("y")).as("splits at %d and %d", first, second).isLessThan(createEnd);
            }
        }
    }
}
