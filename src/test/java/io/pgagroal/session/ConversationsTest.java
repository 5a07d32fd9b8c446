package io.pgagroal.session;

import static io.pgagroal.testing.ProtocolBytes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pool.Checkout;
import io.pgagroal.pool.Pool;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.pool.SlotState;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connection reset and the parameter adoption on an EmbeddedChannel standing for PostgreSQL:
 * what they send, how they read every reply split at every byte, and where the connection goes.
 */
class ConversationsTest {

    private static final PoolKey KEY = PoolKey.of("app", "appdb", Map.of());

    /** A client that left between batches. */
    private record State(int pendingReadyForQuery, byte transactionStatus, boolean atMessageBoundary) implements RelayState {

        @Override
        public boolean batchOpen() {
            return false;
        }
    }

    private final Pool<ServerConnection> pool = new Pool<>(1, Duration.ofSeconds(1), ServerConnection::terminate);

    /** A connection in use in the pool's only slot. */
    private ServerConnection inUse(EmbeddedChannel channel) throws Exception {
        Checkout<ServerConnection> checkout = pool.acquire(KEY, 0, channel.eventLoop()).get(5, TimeUnit.SECONDS);
        ServerConnection connection = new ServerConnection(channel, null, KEY, Authentication.TRUST, new byte[0], new BackendKeyData(1, 2));
        pool.attach(checkout.slot(), connection);
        return connection;
    }

    @Test
    void aResetWaitsForWhatIsOwedRollsBackDiscardsAndGivesTheConnectionBackAtEverySplit() throws Exception {
        byte[] replies = concat(dataRow("late"), commandComplete("SELECT 1"), readyForQuery('T'),
                commandComplete("ROLLBACK"), readyForQuery('I'), commandComplete("DISCARD ALL"), readyForQuery('I'));
        for (int split = 0; split <= replies.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel();
            ServerConnection connection = inUse(channel);
            ConnectionReset.start(pool, Duration.ofSeconds(5), 0, connection, new State(1, (byte) 'T', true),
                    List.of(ConnectionReset.ROLLBACK, ConnectionReset.DISCARD_ALL));
            assertThat(outbound(channel)).isEqualTo(concat(query("ROLLBACK"), query("DISCARD ALL")));
            writeInSplit(channel, replies, split, () -> assertThat(pool.state(0)).as("before the last reply").isEqualTo(SlotState.IN_USE));
            channel.runPendingTasks();
            assertThat(pool.state(0)).as("split at %d", split).isEqualTo(SlotState.FREE);
            assertThat(channel.isOpen()).isTrue();
            pool.kill(0);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aResetThatDoesNotCompleteClosesTheConnection() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerConnection connection = inUse(channel);
        ConnectionReset.start(pool, Duration.ofSeconds(5), 0, connection, new State(0, (byte) 'I', true),
                List.of(ConnectionReset.DISCARD_ALL));
        outbound(channel);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(error("ERROR", "25001", "cannot run inside a transaction"), readyForQuery('E'))));
        assertThat(pool.state(0)).isEqualTo(SlotState.NOTINIT);
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aResetThatTakesTooLongClosesTheConnection() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerConnection connection = inUse(channel);
        ConnectionReset.start(pool, Duration.ofSeconds(5), 0, connection, new State(0, (byte) 'I', true),
                List.of(ConnectionReset.DISCARD_ALL));
        outbound(channel);
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(pool.state(0)).isEqualTo(SlotState.NOTINIT);
        channel.finishAndReleaseAll();
    }

    @Test
    void aStreamCutInsideAMessageCannotBeResetAndIsClosed() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerConnection connection = inUse(channel);
        ConnectionReset.start(pool, Duration.ofSeconds(5), 0, connection, new State(0, (byte) 'I', false),
                List.of(ConnectionReset.DISCARD_ALL));
        assertThat(outbound(channel)).as("nothing sent but a Terminate").isEqualTo(new byte[] {'X', 0, 0, 0, 4});
        assertThat(pool.state(0)).isEqualTo(SlotState.NOTINIT);
        channel.finishAndReleaseAll();
    }

    /** Records what an adoption reports. */
    private static final class Outcome implements ParameterAdoption.Outcome {
        final List<String> events = new ArrayList<>();
        Map<String, String> reported;
        ErrorResponse error;

        @Override
        public void adopted(Map<String, String> reported, ErrorResponse error) {
            events.add("adopted");
            this.reported = reported;
            this.error = error;
        }

        @Override
        public void serverClosed() {
            events.add("closed");
        }

        @Override
        public void failed(String side, Throwable cause) {
            events.add("failed " + cause);
        }
    }

    @Test
    void anAdoptionSetsEveryParameterInOneQueryAndCollectsWhatIsReportedAtEverySplit() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("TimeZone", "Asia/Tokyo");
        settings.put("application_name", "it's mine");
        byte[] replies = concat(commandComplete("SET"), parameterStatus("TimeZone", "Asia/Tokyo"), commandComplete("SET"),
                parameterStatus("application_name", "it's mine"), readyForQuery('I'));
        for (int split = 0; split <= replies.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel();
            Outcome outcome = new Outcome();
            ParameterAdoption.start(outcome, channel, settings);
            assertThat(outbound(channel)).isEqualTo(query("SELECT pg_catalog.set_config(E'TimeZone', E'Asia/Tokyo', false), "
                    + "pg_catalog.set_config(E'application_name', E'it''s mine', false)"));
            writeInSplit(channel, replies, split, () -> assertThat(outcome.events).isEmpty());
            assertThat(outcome.events).as("split at %d", split).containsExactly("adopted");
            assertThat(outcome.error).isNull();
            assertThat(outcome.reported).containsExactly(Map.entry("TimeZone", "Asia/Tokyo"), Map.entry("application_name", "it's mine"));
            assertThat(channel.pipeline().get(ParameterAdoption.class)).as("the adoption is gone").isNull();
            assertThat(channel.pipeline().get(Frames.Decoder.class)).as("its framer is gone").isNull();
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void aRefusedParameterIsReportedWithItsError() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Outcome outcome = new Outcome();
        ParameterAdoption.start(outcome, channel, Map.of("TimeZone", "Mars/Olympus"));
        outbound(channel);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(
                error("ERROR", "22023", "invalid value for parameter \"TimeZone\": \"Mars/Olympus\""), readyForQuery('I'))));
        assertThat(outcome.events).containsExactly("adopted");
        assertThat(outcome.error.code()).isEqualTo("22023");
        assertThat(outcome.reported).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aServerThatClosesDuringAnAdoptionIsReported() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Outcome outcome = new Outcome();
        ParameterAdoption.start(outcome, channel, Map.of("TimeZone", "UTC"));
        outbound(channel);
        channel.close();
        assertThat(outcome.events).containsExactly("closed");
        channel.finishAndReleaseAll();
    }

    /** The bytes in two reads, as a socket may deliver them (a read is never empty), checking in between. */
    private static void writeInSplit(EmbeddedChannel channel, byte[] bytes, int split, Runnable checkBetween) {
        if (split > 0) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
        }
        if (split < bytes.length) {
            checkBetween.run();
        }
        if (split < bytes.length) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        }
    }
}
