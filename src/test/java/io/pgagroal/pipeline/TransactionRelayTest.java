package io.pgagroal.pipeline;

import static io.pgagroal.testing.ProtocolBytes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.pgagroal.config.TransactionPinning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction pipeline's relay on EmbeddedChannels standing for the client and the server:
 * statement renaming, the pooler's own acknowledgements removed, large messages streamed, the
 * transaction's end, and every stream split at every byte giving the same result.
 */
class TransactionRelayTest {

    private TransactionPipeline pipeline = new TransactionPipeline(10, false, TransactionPinning.PIN);
    private final List<FakeRelay> relays = new ArrayList<>();

    /** A relay that holds a connection and writes to two EmbeddedChannels. */
    private final class FakeRelay implements Relay {
        final EmbeddedChannel client = new EmbeddedChannel();
        final EmbeddedChannel server = new EmbeddedChannel();
        final TransactionServerState connection = new TransactionServerState(Map.of());
        final TransactionState state = pipeline.newState(this, Map.of());
        boolean attached = true;
        boolean requested = true;
        int transactionsEnded;
        final List<PinReason> pins = new ArrayList<>();
        int serverWrites;
        int clientWrites;
        /** The databases it was asked to close idle connections to, with what PostgreSQL had been sent by then. */
        final List<String> closedIdle = new ArrayList<>();

        FakeRelay() {
            relays.add(this);
        }

        @Override
        public void writeToServer(ByteBuf buf) {
            serverWrites++;
            server.writeOutbound(buf);
        }

        @Override
        public void writeToClient(ByteBuf buf) {
            clientWrites++;
            client.writeOutbound(buf);
        }

        @Override
        public void clientTerminated() {
            attached = false;
            state.discard();
        }

        @Override
        public void closeIdleConnections(List<String> databases) {
            closedIdle.add(databases + " after " + server.outboundMessages().size() + " writes");
        }

        @Override
        public boolean connectionRequested() {
            return requested;
        }

        @Override
        public void serverFatal() {
        }

        @Override
        public RelayState state() {
            return state;
        }

        @Override
        public TransactionServerState serverState() {
            return connection;
        }

        @Override
        public void transactionEnded(boolean deallocate) {
            transactionsEnded++;
            attached = false;
        }

        @Override
        public boolean attached() {
            return attached;
        }

        @Override
        public void pinned(PinReason reason) {
            pins.add(reason);
        }

        void fromClient(byte[] bytes, int... splits) {
            for (ByteBuf chunk : chunks(bytes, splits)) {
                pipeline.client(this, chunk);
            }
        }

        void fromServer(byte[] bytes, int... splits) {
            for (ByteBuf chunk : chunks(bytes, splits)) {
                pipeline.server(this, chunk);
            }
        }

        byte[] toServer() {
            return outbound(server);
        }

        byte[] toClient() {
            return outbound(client);
        }
    }

    @AfterEach
    void nothingLeaks() {
        for (FakeRelay relay : relays) {
            relay.state.discard();
            relay.connection.stream().discard();
            assertThat(relay.client.finishAndReleaseAll()).as("client outbound drained").isFalse();
            assertThat(relay.server.finishAndReleaseAll()).as("server outbound drained").isFalse();
        }
    }

    @Test
    void aNamedStatementIsRenamedInParseAndBindAtEverySplit() {
        byte[] client = concat(parse("s1", "SELECT $1::int", 23), bind("", "s1"), execute(), sync());
        byte[] expected = null;
        for (int split = 0; split <= client.length; split++) {
            FakeRelay relay = new FakeRelay();
            relay.fromClient(client, split);
            byte[] sent = relay.toServer();
            String text = new String(sent, StandardCharsets.ISO_8859_1);
            assertThat(text).as("split at %d", split).doesNotContain("s1").contains("pgagroal_").contains("SELECT $1::int");
            if (expected == null) {
                expected = sent;
            }
            assertThat(sent).as("split at %d", split).isEqualTo(expected);
        }
        String serverName = new String(expected, 5, expected.length - 5, StandardCharsets.ISO_8859_1).split("\0")[0];
        assertThat(expected).isEqualTo(concat(parse(serverName, "SELECT $1::int", 23), bind("", serverName), execute(), sync()));
    }

    @Test
    void describeAndCloseOfAStatementAreRenamedButThoseOfAPortalPassAtEverySplit() {
        byte[] client = concat(parse("s1", "SELECT 1", 0), describe('S', "s1"), describe('P', ""), close('P', "p1"), close('S', "s1"),
                bind("", "s1"), sync());
        for (int split = 0; split <= client.length; split++) {
            FakeRelay relay = new FakeRelay();
            relay.fromClient(client, split);
            byte[] sent = relay.toServer();
            String serverName = new String(sent, 5, sent.length - 5, StandardCharsets.ISO_8859_1).split("\0")[0];
            assertThat(serverName).startsWith("pgagroal_");
            assertThat(sent).as("split at %d", split).isEqualTo(concat(parse(serverName, "SELECT 1", 0), describe('S', serverName),
                    describe('P', ""), close('P', "p1"), close('S', serverName), bind("", "s1"), sync()));
            assertThat(relay.connection.preparedStatements().contains(serverName)).as("closed on the connection").isFalse();
        }
    }

    @Test
    void aStatementWhoseEffectOutlivesTheTransactionPinsTheClientOnceAndIsCounted() {
        FakeRelay relay = new FakeRelay();
        relay.fromClient(concat(query("SELECT 1; /* LISTEN no */ LISTEN jobs"), query("SELECT pg_advisory_lock(1)")));
        assertThat(new String(relay.toServer(), StandardCharsets.ISO_8859_1)).contains("LISTEN jobs", "pg_advisory_lock");
        assertThat(relay.pins).containsExactly(PinReason.LISTEN);
        assertThat(relay.state.pin()).isEqualTo(PinReason.LISTEN);
        assertThat(pipeline.pins(PinReason.LISTEN)).isEqualTo(1);
        assertThat(pipeline.pins(PinReason.ADVISORY_LOCK)).as("a pinned client is counted once").isZero();
    }

    @Test
    void aSetIsReadAfterItsTransactionAndAPlainQueryChangesNothing() {
        FakeRelay relay = new FakeRelay();
        relay.fromClient(query("SELECT abalance FROM pgbench_accounts WHERE aid = 1"));
        assertThat(relay.state.takeParametersChanged()).isFalse();
        relay.fromClient(query("set search_path = tenant"));
        assertThat(relay.state.takeParametersChanged()).isTrue();
        assertThat(relay.state.takeParametersChanged()).as("cleared by asking").isFalse();
        relay.toServer();
        assertThat(relay.pins).isEmpty();
    }

    @Test
    void withPinningErrorTheStatementIsReplacedByOneThatRaisesTheRefusal() {
        pipeline = new TransactionPipeline(10, false, TransactionPinning.ERROR);
        FakeRelay relay = new FakeRelay();
        relay.fromClient(concat(query("LISTEN jobs"), parse("", "SELECT pg_backend_pid()", 0), bind("", ""), execute(), sync()));
        String sent = new String(relay.toServer(), StandardCharsets.UTF_8);
        assertThat(sent).doesNotContain("LISTEN jobs").doesNotContain("SELECT pg_backend_pid()")
                .contains("DO $pgagroal$BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = E'LISTEN is refused in the transaction pipeline")
                .contains("E'pg_backend_pid() is refused");
        assertThat(relay.pins).isEmpty();
        assertThat(relay.state.pin()).isNull();
        assertThat(relay.state.pendingReadyForQuery()).isEqualTo(2);
    }

    @Test
    void portalsOfATrackedStatementAreForgottenWhenTheTransactionEnds() {
        FakeRelay relay = new FakeRelay();
        relay.fromClient(concat(parse("s1", "SELECT 1", 0), bind("c1", "s1"), bind("c2", "s1"), sync()));
        relay.toServer();
        assertThat(relay.state.portals).containsOnlyKeys("c1", "c2");
        relay.fromServer(concat(message('1'), message('2'), message('2'), readyForQuery('I')));
        relay.toClient();
        assertThat(relay.state.portals).isEmpty();
    }

    @Test
    void resultShapesCompareAsPostgresqlDoes() {
        byte[] twoColumns = rowDescriptionBody("id", 23, "a", 23);
        assertThat(TransactionPipeline.sameShape(twoColumns, rowDescriptionBody("id", 23, "a", 23))).isTrue();
        assertThat(TransactionPipeline.sameShape(twoColumns, rowDescriptionBody("id", 23, "a", 25))).as("another type").isFalse();
        assertThat(TransactionPipeline.sameShape(twoColumns, rowDescriptionBody("id", 23, "b", 23))).as("another name").isFalse();
        assertThat(TransactionPipeline.sameShape(twoColumns, rowDescriptionBody("id", 23))).as("a column fewer").isFalse();
        assertThat(TransactionPipeline.sameShape(twoColumns, new byte[0])).as("no rows at all").isFalse();
        assertThat(TransactionPipeline.sameShape(new byte[0], new byte[0])).isTrue();
    }

    /** A RowDescription body of text columns (name, type OID pairs), table and column numbers left out. */
    private static byte[] rowDescriptionBody(Object... columns) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, (byte) (columns.length / 2)});
        for (int i = 0; i < columns.length; i += 2) {
            body.writeBytes(cstring((String) columns[i]));
            body.writeBytes(concat(int32(0), new byte[] {0, 0}, int32((Integer) columns[i + 1]), new byte[] {0, 4}, int32(-1),
                    new byte[] {0, 0}));
        }
        return body.toByteArray();
    }

    private static byte[] describe(char kind, String name) {
        return message('D', new byte[] {(byte) kind}, cstring(name));
    }

    private static byte[] close(char kind, String name) {
        return message('C', new byte[] {(byte) kind}, cstring(name));
    }

    @Test
    void thePoolersOwnParseIsAcknowledgedToNobodyAtEverySplit() {
        byte[] server = concat(message('1'), message('2'), dataRow("42"), commandComplete("SELECT 1"), readyForQuery('I'));
        byte[] expected = concat(message('2'), dataRow("42"), commandComplete("SELECT 1"), readyForQuery('I'));
        for (int split = 0; split <= server.length; split++) {
            FakeRelay relay = new FakeRelay();
            relay.fromClient(concat(parse("s1", "SELECT 42", 0), sync()));
            relay.toServer();
            relay.fromServer(concat(message('1'), readyForQuery('I')));
            assertThat(relay.toClient()).as("the client's own ParseComplete").isEqualTo(concat(message('1'), readyForQuery('I')));
            assertThat(relay.transactionsEnded).isEqualTo(1);

            relay.attached = true;
            relay.connection.preparedStatements().remove(relay.connection.preparedStatements().eviction(1).orElseThrow());
            relay.fromClient(concat(bind("", "s1"), execute(), sync()));
            assertThat(new String(relay.toServer(), StandardCharsets.ISO_8859_1)).as("prepared again first").startsWith("P");
            relay.fromServer(server, split);
            assertThat(relay.toClient()).as("split at %d", split).isEqualTo(expected);
            assertThat(relay.transactionsEnded).isEqualTo(2);
        }
    }

    @Test
    void aLargeQueryStreamsThroughWithoutBeingHeldWhole() {
        byte[] text = new byte[1_000_000];
        Arrays.fill(text, (byte) 'x');
        text[text.length - 1] = 0;
        byte[] query = concat(new byte[] {'Q'}, int32(4 + text.length), text);
        int chunk = 16 * 1024;
        int[] splits = new int[query.length / chunk];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = (i + 1) * chunk;
        }
        FakeRelay relay = new FakeRelay();
        relay.fromClient(query, splits);
        assertThat(relay.serverWrites).as("the head (the text's start, for the lexer), then one write per chunk read: nothing more accumulated")
                .isEqualTo(1 + splits.length + 1 - TransactionPipeline.HEAD_LIMIT / chunk);
        assertThat(relay.toServer()).isEqualTo(query);
        assertThat(relay.state.pendingReadyForQuery()).isEqualTo(1);
    }

    @Test
    void aLargeResultPassesInOneRunPerChunk() {
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            result.writeBytes(dataRow("row " + i));
        }
        result.writeBytes(commandComplete("SELECT 10000"));
        result.writeBytes(readyForQuery('I'));
        byte[] server = result.toByteArray();
        for (int split : new int[] {0, 1, 5, 6, server.length / 2, server.length - 6, server.length - 1}) {
            FakeRelay relay = new FakeRelay();
            relay.fromClient(query("SELECT ..."));
            relay.toServer();
            relay.fromServer(server, split);
            assertThat(relay.toClient()).as("split at %d", split).isEqualTo(server);
            assertThat(relay.transactionsEnded).isEqualTo(1);
            assertThat(relay.clientWrites).as("one run per chunk and the ReadyForQuery, not a write per row").isLessThanOrEqualTo(4);
        }
    }

    @Test
    void theConnectionStaysWhileATransactionIsOpenOrABatchIsUnfinished() {
        FakeRelay relay = new FakeRelay();
        relay.fromClient(query("BEGIN"));
        relay.fromServer(concat(commandComplete("BEGIN"), readyForQuery('T')));
        assertThat(relay.transactionsEnded).isZero();
        relay.fromClient(concat(query("COMMIT"), parse("", "SELECT 1", 0), bind("", ""), execute()));
        relay.fromServer(concat(commandComplete("COMMIT"), readyForQuery('I')));
        assertThat(relay.transactionsEnded).as("a batch without its Sync is open").isZero();
        relay.fromClient(sync());
        relay.fromServer(concat(message('1'), message('2'), dataRow("1"), commandComplete("SELECT 1"), readyForQuery('I')));
        assertThat(relay.transactionsEnded).isEqualTo(1);
        relay.toServer();
        relay.toClient();
    }

    @Test
    void whatTheClientSendsWithoutAConnectionWaitsAndGoesFirstOnceAttached() {
        FakeRelay relay = new FakeRelay();
        relay.attached = false;
        byte[] first = query("SELECT 1");
        byte[] second = query("SELECT 2");
        relay.fromClient(concat(first, second), 3);
        assertThat(relay.toServer()).isEmpty();
        assertThat(relay.state.nothingHeld()).isFalse();
        relay.attached = true;
        assertThat(pipeline.attached(relay.state)).isTrue();
        assertThat(relay.toServer()).isEqualTo(concat(first, second));
        assertThat(relay.state.pendingReadyForQuery()).isEqualTo(2);
    }

    @Test
    void aConnectionWhoseResultStoppedInsideAMessageIsNotAtABoundary() {
        FakeRelay relay = new FakeRelay();
        relay.fromClient(query("SELECT big"));
        byte[] row = dataRow("a value cut in two");
        relay.fromServer(Arrays.copyOf(row, 9));
        assertThat(relay.state.atMessageBoundary()).as("the server stream stands inside a DataRow").isFalse();
        relay.fromServer(Arrays.copyOfRange(row, 9, row.length));
        assertThat(relay.state.atMessageBoundary()).isTrue();
        relay.toServer();
        relay.toClient();
    }

    @Test
    void aTerminateWithoutAConnectionEndsTheSessionAndWhatFollowsIsDropped() {
        FakeRelay relay = new FakeRelay();
        relay.attached = false;
        relay.requested = false;
        relay.fromClient(concat(message('X'), query("SELECT 1")));
        assertThat(relay.toServer()).isEmpty();
        assertThat(relay.state.nothingHeld()).isTrue();
    }

    @Test
    void aNamedParseAndSyncWithoutAConnectionIsAnsweredByThePoolerAndPreparedWhenBound() {
        FakeRelay relay = new FakeRelay();
        relay.attached = false;
        relay.requested = false;
        relay.fromClient(concat(parse("s1", "SELECT 7", 0), sync()));
        assertThat(relay.toServer()).as("no connection needed").isEmpty();
        assertThat(relay.toClient()).isEqualTo(concat(message('1'), readyForQuery('I')));

        relay.attached = true;
        relay.fromClient(concat(bind("", "s1"), execute(), sync()));
        String sent = new String(relay.toServer(), StandardCharsets.ISO_8859_1);
        assertThat(sent).startsWith("P").contains("SELECT 7").doesNotContain("s1");
        relay.fromServer(concat(message('1'), message('2'), dataRow("7"), commandComplete("SELECT 1"), readyForQuery('I')));
        assertThat(relay.toClient()).as("the pooler's ParseComplete is dropped")
                .isEqualTo(concat(message('2'), dataRow("7"), commandComplete("SELECT 1"), readyForQuery('I')));
    }

    @Test
    void idleConnectionsToTheDatabasesOfADatabaseStatementAreClosedBeforeItIsSentAtEverySplit() {
        byte[] client = concat(query("select 1"), query("DROP DATABASE x"), parse("", "CREATE DATABASE y TEMPLATE x", 0), sync());
        for (int split = 0; split <= client.length; split++) {
            FakeRelay relay = new FakeRelay();
            relay.fromClient(client, split);
            assertThat(relay.closedIdle).as("split at %d", split).containsExactly("[x] after 1 writes", "[y, x] after 2 writes");
            assertThat(relay.toServer()).isEqualTo(client);
        }
    }

    private static List<ByteBuf> chunks(byte[] bytes, int... splits) {
        List<ByteBuf> chunks = new ArrayList<>();
        int from = 0;
        for (int split : splits) {
            chunks.add(Unpooled.copiedBuffer(bytes, from, split - from));
            from = split;
        }
        chunks.add(Unpooled.copiedBuffer(bytes, from, bytes.length - from));
        return chunks;
    }
}
