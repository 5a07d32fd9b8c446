package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgagroal.config.TransactionPinning;
import io.pgagroal.protocol.Close;
import io.pgagroal.protocol.Describe;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.RowDescription;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ReadyForQuery;
import io.pgagroal.protocol.SqlState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The transaction pipeline: a client holds a server connection only for the length of a
 * transaction. Both streams are framed as they are read ({@link ClientMessages},
 * {@link ServerMessages}); only the messages the pooler acts on are cut out, and no message is
 * held whole except a named Parse, which the pooler keeps to prepare it again elsewhere. The
 * connection goes back after a ReadyForQuery with status idle when no other ReadyForQuery is owed
 * (quirk 2 fixed).
 *
 * <p>Protocol-level prepared statements follow the client: a named Parse is renamed to a pooler-wide
 * name derived from its query and parameter types (so identical statements of different clients
 * share one server statement), and is sent as Close + Parse so it succeeds whether or not the
 * connection had it. Bind and Describe of a statement the connection lacks get the client's Parse
 * sent first. The acknowledgements of what the pooler sent on its own are dropped from the server's
 * stream; they arrive in the order the messages were sent, and after an error the server skips to
 * the next Sync, so at each ReadyForQuery the unanswered ones are settled. Each connection keeps at
 * most {@code max_prepared_statements}, least recently used closed first. With the support off
 * (0), names pass through and {@code track_prepared_statements} runs DEALLOCATE ALL after a
 * transaction that prepared one, as upstream.
 *
 * <p>The text of every Query and Parse goes through {@link StatementLexer}: a statement that may
 * change the session's parameters has them read when its transaction ends, and one whose effect
 * outlives its transaction and cannot be carried to another connection pins the client to its
 * connection, or is refused, as {@code transaction_pinning} says. A refused statement is replaced by
 * a DO block that raises the refusal, so PostgreSQL itself reports it and the transaction fails as it
 * would for any error.
 */
public final class TransactionPipeline implements Pipeline {

    /** The most of a message the pipeline reads in one piece before deciding (names of Bind, Describe, Close; the start of a Query's text). */
    static final int HEAD_LIMIT = 64 * 1024;
    /** The largest named Parse the pooler keeps to prepare again on other connections. */
    static final int MAX_TRACKED_PARSE = 16 * 1024 * 1024;

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] FLUSH = {Protocol.FLUSH, 0, 0, 0, 4};
    private static final String FAILING_PORTAL = "pgagroal_refused_in_batch";
    /** Execute of a portal that does not exist: an error the pooler can cause at will, in a place of the stream (failInBatch). */
    private static final byte[] FAILING_EXECUTE = failingExecute();
    private static final ErrorResponse CACHED_PLAN_CHANGED = cachedPlanChanged();
    private static final int MAX_SPELLINGS = 4096;

    private final int maxPreparedStatements;
    private final boolean trackPreparedStatements;
    private final TransactionPinning pinning;
    private final Map<PinReason, LongAdder> pins = new EnumMap<>(PinReason.class);
    private final Map<String, String> spellings = new ConcurrentHashMap<>();
    private final SharedParameters sharedParameters = new SharedParameters();

    public TransactionPipeline(int maxPreparedStatements, boolean trackPreparedStatements, TransactionPinning pinning) {
        this.maxPreparedStatements = maxPreparedStatements;
        this.trackPreparedStatements = trackPreparedStatements;
        this.pinning = pinning;
        for (PinReason reason : PinReason.values()) {
            pins.put(reason, new LongAdder());
        }
    }

    /**
     * The value PostgreSQL reported for a value a client asked for, when it is known: how PostgreSQL
     * spells it ({@code client_encoding=utf8} is reported as {@code UTF8}); null when not learnt yet.
     */
    public String spelling(String parameter, String value) {
        return spellings.get(parameter + '\0' + value);
    }

    /** Remembers how PostgreSQL reported a value a client asked for; bounded, so a full table learns nothing more. */
    public void learnSpelling(String parameter, String value, String reported) {
        if (spellings.size() < MAX_SPELLINGS) {
            spellings.putIfAbsent(parameter + '\0' + value, reported);
        }
    }

    /** How many clients were pinned for this reason since the pooler started. */
    public long pins(PinReason reason) {
        return pins.get(reason).sum();
    }

    /**
     * Acts on what a statement the client sends now does beyond its transaction.
     *
     * @return null, or why the statement is refused (transaction_pinning = error)
     */
    String effects(TransactionState state, Classification classification) {
        if (classification == Classification.PLAIN) {
            return null;
        }
        state.parametersChanged |= classification.setsParameters();
        if (classification.dropsPreparedStatements()) {
            state.statements.clear();
            state.resetTags.forgetStatements();
            state.relay.serverState().preparedStatements().forgetAll();
        }
        PinReason reason = classification.pin();
        if (reason == null || pinning == TransactionPinning.OFF) {
            return null;
        }
        if (pinning == TransactionPinning.ERROR) {
            return reason.statement() + " is refused in the transaction pipeline: its effect outlives the transaction"
                    + " (transaction_pinning = error)";
        }
        pin(state, reason);
        return null;
    }

    /** The client keeps its connection until it leaves; the first reason is the one counted. */
    public void pin(TransactionState state, PinReason reason) {
        if (state.pin == null) {
            state.pin = reason;
            pins.get(reason).increment();
            state.relay.pinned(reason);
        }
    }

    /** A Query whose statement makes PostgreSQL report the refusal as an error: the transaction fails as for any error. */
    static ByteBuf refusal(String message) {
        return Messages.query(UnpooledByteBufAllocator.DEFAULT, refusalStatement(message));
    }

    /** A DO block raising the refusal (0A000, feature not supported). */
    static String refusalStatement(String message) {
        return "DO $pgagroal$BEGIN RAISE EXCEPTION USING ERRCODE = '" + SqlState.FEATURE_NOT_SUPPORTED + "', MESSAGE = E'"
                + message.replace("\\", "\\\\").replace("'", "''") + "'; END$pgagroal$";
    }

    /** The parameter maps the clients want, each kept once. */
    SharedParameters sharedParameters() {
        return sharedParameters;
    }

    /** The state of a client whose startup asked for these settings, relayed through {@code relay}. */
    public TransactionState newState(Relay relay, Map<String, String> startupSettings) {
        return new TransactionState(this, relay, startupSettings);
    }

    @Override
    public void client(Relay relay, ByteBuf chunk) {
        TransactionState state = (TransactionState) relay.state();
        state.clientFramer.feed(chunk, state.client);
    }

    @Override
    public void server(Relay relay, ByteBuf chunk) {
        TransactionState state = (TransactionState) relay.state();
        relay.serverState().stream().feed(chunk, state.server);
    }

    /**
     * A connection was just attached: what the client sent meanwhile goes to it.
     *
     * @return false when nothing waited (the connection can go back at once)
     */
    public boolean attached(TransactionState state) {
        if (state.held.isEmpty()) {
            return false;
        }
        state.client.drain();
        return true;
    }

    boolean tracksStatements() {
        return maxPreparedStatements > 0;
    }

    boolean deallocatesAfter(TransactionState state) {
        return maxPreparedStatements == 0 && trackPreparedStatements && state.usedNamedParse;
    }

    /**
     * A named Parse from a client that holds no connection, followed by its Sync: recorded, to be
     * prepared on whichever connection the client later binds it on, and answered with ParseComplete
     * (or the error when the client has a statement of that name, or its statements would take too
     * much); the caller ends the answer with ReadyForQuery.
     *
     * @return false when the statement cannot be deferred (unnamed, the support is off, or it is to be refused)
     */
    boolean parseLater(TransactionState state, ByteBuf message) {
        String name = Messages.readCString(Messages.body(message));
        if (name.isEmpty() || maxPreparedStatements == 0) {
            return false;
        }
        ErrorResponse duplicate = duplicate(state, name);
        if (duplicate != null) {
            message.release();
            state.relay.writeToClient(duplicate.encode(UnpooledByteBufAllocator.DEFAULT));
            return true;
        }
        int rest = 5 + ByteBufUtil.utf8Bytes(name) + 1;
        Classification classification = StatementText.classify(message, message.readableBytes() - 1);
        if (pinning == TransactionPinning.ERROR && classification.pin() != null) {
            return false;
        }
        message = state.startupResets.rewrite(message, message.readableBytes() - 1, classification, false, state.resetTags,
                state.deallocatedHere);
        String serverName = serverName(message.slice(rest, message.readableBytes() - rest));
        byte[] parse = rename(message, rest, serverName);
        ErrorResponse refusal = keep(state, name, new TransactionState.Statement(serverName, parse, classification));
        state.relay.writeToClient(refusal != null ? refusal.encode(UnpooledByteBufAllocator.DEFAULT)
                : message.alloc().buffer(5).writeByte(Protocol.PARSE_COMPLETE).writeInt(4));
        message.release();
        return true;
    }

    /**
     * A whole named Parse, with the support on: renamed, recorded, and prepared on the connection.
     * The statement's effects were dealt with by the caller.
     */
    void parse(TransactionState state, ByteBuf message, Classification classification) {
        String name = Messages.readCString(Messages.body(message));
        int rest = 5 + ByteBufUtil.utf8Bytes(name) + 1;
        String serverName = serverName(message.slice(rest, message.readableBytes() - rest));
        byte[] parse = rename(message, rest, serverName);
        message.release();
        ErrorResponse refusal = keep(state, name, new TransactionState.Statement(serverName, parse, classification));
        if (refusal != null) {
            failInBatch(state, refusal);
            return;
        }
        TransactionServerState server = state.relay.serverState();
        if (server.preparedStatements().contains(serverName)) {
            sendClose(state, serverName, true);
            server.preparedStatements().remove(serverName);
        }
        prepare(state, server, serverName, parse, false);
    }

    /**
     * Keeps the client's statement if it fits in what a client's statements may take; else returns
     * the error for its Parse, and what the pooler knew of the name stays as it was.
     */
    private static ErrorResponse keep(TransactionState state, String name, TransactionState.Statement statement) {
        if (state.statements.fits(name, statement.parse().length)) {
            state.statements.keep(name, statement);
            return null;
        }
        state.resetTags.parse(name, null);
        return new ErrorResponse("ERROR", SqlState.PROGRAM_LIMIT_EXCEEDED, "prepared statement \"" + name
                + "\" is refused: this client's prepared statements would take more than " + ClientStatements.BUDGET / (1024 * 1024)
                + " MiB of pgagroal's memory (the transaction pipeline keeps them to prepare them on other connections);"
                + " close some (Close, DEALLOCATE) or use the session pipeline");
    }

    /**
     * PostgreSQL's error for a named Parse of a statement the client has already (42P05; it keeps
     * the statement it has), or null when the client has none of that name.
     */
    ErrorResponse duplicate(TransactionState state, String name) {
        return maxPreparedStatements == 0 || !state.statements.contains(name) ? null
                : new ErrorResponse("ERROR", SqlState.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"" + name + "\" already exists");
    }

    /**
     * A Bind or Describe naming a statement at {@code nameOffset} of its head: a statement of the
     * client's is prepared on the connection if needed and the message renamed; anything else goes
     * as it is. The head may be the start of a larger message whose rest follows.
     *
     * <p>A Bind of a statement the client was given a description of, prepared again here, waits
     * until the pooler has described it too: if the result changed shape since, the batch fails
     * with PostgreSQL's own error, as it would on a connection of the client's own.
     */
    void reference(TransactionState state, ByteBuf head, int length, int nameOffset, String name, boolean bind) {
        TransactionState.Statement statement = name.isEmpty() || maxPreparedStatements == 0 ? null : state.statements.get(name);
        if (statement == null) {
            state.relay.writeToServer(head);
            return;
        }
        if (bind && state.statements.changedShape(name)) {
            head.release();
            shapeChanged(state);
            return;
        }
        TransactionServerState server = state.relay.serverState();
        PreparedStatementCache cache = server.preparedStatements();
        boolean prepared = cache.contains(statement.serverName());
        if (!prepared) {
            prepare(state, server, statement.serverName(), statement.parse(), true);
        }
        byte[] known = bind ? state.statements.description(name) : null;
        if (known != null) {
            byte[] here = prepared ? cache.description(statement.serverName()) : null;
            if (here == null) {
                state.relay.writeToServer(new Describe(Describe.STATEMENT, statement.serverName()).encode(UnpooledByteBufAllocator.DEFAULT));
                state.relay.writeToServer(Unpooled.wrappedBuffer(FLUSH));
                state.pending.add(new TransactionState.Pending(TransactionState.Pending.DESCRIBE, name, true));
                state.describing = true;
                state.held.addFirst(new TransactionState.Held(TransactionState.Held.HEAD, head, length));
                return;
            }
            if (!sameShape(known, here)) {
                state.statements.shapeChanged(name);
                head.release();
                shapeChanged(state);
                return;
            }
        }
        effects(state, statement.classification());
        state.relay.writeToServer(replaceName(head, length, nameOffset, name, statement.serverName()));
    }

    /**
     * The pooler's Describe of a statement it prepared again was answered ({@code description} is
     * the RowDescription body, empty for NoData, null when too large to keep or skipped after an
     * error): the client's messages go on, or fail if the result changed shape.
     */
    void described(TransactionState state, String name, byte[] description) {
        state.describing = false;
        byte[] known = name == null ? null : state.statements.description(name);
        TransactionState.Statement statement = name == null || description == null ? null : state.statements.get(name);
        if (statement != null) {
            state.relay.serverState().preparedStatements().described(statement.serverName(), description);
        }
        if (description != null && known != null && !sameShape(known, description)) {
            state.statements.shapeChanged(name);
            shapeChanged(state);
        }
        state.client.drain();
        state.relay.flushServer();
    }

    /** Whether both the client and the connection it holds are known to have the statement's shape. */
    static boolean shapeKnown(TransactionState state, String name) {
        TransactionState.Statement statement = state.statements.get(name);
        return statement != null && state.statements.description(name) != null
                && state.relay.serverState().preparedStatements().description(statement.serverName()) != null;
    }

    /**
     * A client's Describe of its statement was answered with {@code message} (whole): what the
     * connection's statement returns, kept if not known yet.
     */
    static void connectionDescribed(TransactionState state, String name, ByteBuf message) {
        TransactionState.Statement statement = state.statements.get(name);
        PreparedStatementCache cache = state.relay.serverState().preparedStatements();
        if (statement != null && cache.contains(statement.serverName()) && cache.description(statement.serverName()) == null) {
            cache.described(statement.serverName(), ByteBufUtil.getBytes(Messages.body(message)));
        }
    }

    /**
     * A statement's result changed shape: the client gets PostgreSQL's error for it, which drivers
     * such as postgres.js recognise by its routine and prepare the statement again.
     */
    private static void shapeChanged(TransactionState state) {
        failInBatch(state, CACHED_PLAN_CHANGED);
    }

    /**
     * A message of the client's batch fails in the pooler. PostgreSQL would answer it with an error
     * in its place in the stream, skip the rest of the batch up to Sync and fail a transaction block;
     * so the server is sent, in the message's place, an Execute of a portal that does not exist,
     * whose error is replaced by {@code error} when it comes back, after the results of everything
     * before it, and the client's messages are dropped up to its Sync. When a message before it
     * fails on the server, the server skips the Execute, as PostgreSQL would have skipped the message
     * refused here: the server's error then passes and {@code error} is not sent.
     */
    static void failInBatch(TransactionState state, ErrorResponse error) {
        state.skipToSync = true;
        state.errorInPlace = error;
        state.relay.writeToServer(Unpooled.wrappedBuffer(FAILING_EXECUTE));
    }

    /** Whether an ErrorResponse (its body) answers {@link #FAILING_EXECUTE}. */
    static boolean answersFailingExecute(ByteBuf body) {
        ErrorResponse error = ErrorResponse.decode(body);
        return SqlState.INVALID_CURSOR_NAME.equals(error.code()) && error.message().contains(FAILING_PORTAL);
    }

    /**
     * PostgreSQL's equalRowTypes: the same columns, by name, type and type modifier. Checked at every
     * Bind of a statement the client described, so equal bytes, the usual case, are not decoded.
     */
    static boolean sameShape(byte[] known, byte[] description) {
        if (Arrays.equals(known, description)) {
            return true;
        }
        if (known.length == 0 || description.length == 0) {
            return false;
        }
        List<RowDescription.Field> before = RowDescription.decode(Unpooled.wrappedBuffer(known)).fields();
        List<RowDescription.Field> after = RowDescription.decode(Unpooled.wrappedBuffer(description)).fields();
        if (before.size() != after.size()) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            RowDescription.Field a = before.get(i);
            RowDescription.Field b = after.get(i);
            if (!a.name().equals(b.name()) || a.typeOid() != b.typeOid() || a.typeModifier() != b.typeModifier()) {
                return false;
            }
        }
        return true;
    }

    void close(TransactionState state, ByteBuf message) {
        ByteBuf body = Messages.body(message);
        Close close = Close.decode(body);
        if (close.ofStatement()) {
            state.resetTags.parse(close.name(), null);
        }
        TransactionState.Statement statement = close.ofStatement() && maxPreparedStatements > 0 ? state.statements.forget(close.name()) : null;
        if (statement == null) {
            state.relay.writeToServer(message);
            state.pending.add(TransactionState.Pending.UNTRACKED_CLOSE);
            return;
        }
        state.relay.writeToServer(Close.renamed(body, statement.serverName(), message.alloc()));
        message.release();
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.CLOSE, statement.serverName(), false));
        state.relay.serverState().preparedStatements().remove(statement.serverName());
    }

    /** Sends a Parse for the connection, first closing the least recently used statement if full. */
    private void prepare(TransactionState state, TransactionServerState server, String serverName, byte[] parse, boolean injected) {
        PreparedStatementCache cache = server.preparedStatements();
        Optional<String> evicted = cache.eviction(maxPreparedStatements);
        if (evicted.isPresent()) {
            sendClose(state, evicted.get(), true);
            cache.remove(evicted.get());
        }
        if (cache.uncertain()) {
            sendClose(state, serverName, true);
        }
        state.relay.writeToServer(Unpooled.wrappedBuffer(parse));
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.PARSE, serverName, injected));
        cache.add(serverName);
    }

    private static void sendClose(TransactionState state, String serverName, boolean injected) {
        state.relay.writeToServer(new Close(Close.STATEMENT, serverName).encode(UnpooledByteBufAllocator.DEFAULT));
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.CLOSE, serverName, injected));
    }

    /** Settles the batch this ReadyForQuery ends: what was not acknowledged was skipped after an error. */
    void readyForQuery(TransactionState state, ReadyForQuery readyForQuery) {
        if (state.pendingReadyForQuery > 0) {
            state.pendingReadyForQuery--;
        }
        state.transactionStatus = readyForQuery.transactionStatus();
        if (readyForQuery.idle()) {
            state.portals.clear();
        }
        state.resetTags.readyForQuery(readyForQuery.idle());
        PreparedStatementCache cache = state.relay.serverState().preparedStatements();
        TransactionState.Pending skipped;
        while ((skipped = state.pending.poll()) != null && skipped.kind() != TransactionState.Pending.BATCH_END) {
            if (skipped.statement() == null || skipped.kind() == TransactionState.Pending.DESCRIBE) {
                continue;
            }
            if (skipped.kind() == TransactionState.Pending.PARSE) {
                cache.remove(skipped.statement());
            } else {
                cache.add(skipped.statement());
            }
        }
    }

    /** PostgreSQL's error, fields as it sends them: drivers recognise it by its SQLSTATE or its routine. */
    private static ErrorResponse cachedPlanChanged() {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', "ERROR");
        fields.put('V', "ERROR");
        fields.put('C', SqlState.FEATURE_NOT_SUPPORTED);
        fields.put('M', "cached plan must not change result type");
        fields.put('F', "plancache.c");
        fields.put('R', "RevalidateCachedQuery");
        return new ErrorResponse(fields);
    }

    private static byte[] failingExecute() {
        byte[] portal = FAILING_PORTAL.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer execute = ByteBuffer.allocate(1 + 4 + portal.length + 1 + 4);
        execute.put(Protocol.EXECUTE).putInt(execute.capacity() - 1).put(portal).put((byte) 0).putInt(0);
        return execute.array();
    }

    /** The pooler-wide name: a digest of the query and the parameter types (the rest of the Parse). */
    private static String serverName(ByteBuf queryAndTypes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(queryAndTypes.nioBuffer());
            return "pgagroal_" + HEX.formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] rename(ByteBuf parse, int rest, String serverName) {
        byte[] name = serverName.getBytes(StandardCharsets.UTF_8);
        int tail = parse.readableBytes() - rest;
        byte[] renamed = new byte[5 + name.length + 1 + tail];
        renamed[0] = 'P';
        ByteBuffer.wrap(renamed).putInt(1, renamed.length - 1);
        System.arraycopy(name, 0, renamed, 5, name.length);
        parse.getBytes(rest, renamed, 5 + name.length + 1, tail);
        return renamed;
    }

    /**
     * The head with the statement name at {@code offset} replaced by a pooler-wide name, which is
     * ASCII (Bind, Describe); the length is that of the whole message, whose rest may follow the head.
     */
    private static ByteBuf replaceName(ByteBuf head, int length, int offset, String oldName, String serverName) {
        int oldLength = ByteBufUtil.utf8Bytes(oldName);
        int after = offset + oldLength + 1;
        int tail = head.readableBytes() - after;
        ByteBuf out = head.alloc().buffer(offset + serverName.length() + 1 + tail);
        out.writeBytes(head, 0, offset);
        out.writeCharSequence(serverName, StandardCharsets.US_ASCII);
        out.writeByte(0).writeBytes(head, after, tail);
        out.setInt(1, length + serverName.length() - oldLength);
        head.release();
        return out;
    }
}
