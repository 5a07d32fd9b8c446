package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.MessageFramer;
import io.pgagroal.protocol.Protocol;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the transaction pipeline keeps for one client across the server connections it is given:
 * the framing of its stream, what it sent while it held no connection, its prepared statements
 * (its name, the pooler-wide name, the Parse message that creates it), the session state it would
 * have on a connection of its own, and, for the connection held now, the acknowledgements still
 * expected for the Parse and Close messages sent, in order, with those the pooler sent on its own
 * (to be dropped) told apart.
 *
 * <p>The session state is a full map in the form of {@link TransactionServerState#appliedParameters}:
 * every parameter PostgreSQL reports, as this client was last told it, plus every other parameter
 * the client set (startup packet, {@code options}, and what its SET, RESET and set_config calls
 * left). A connection is brought to exactly that state before the client uses it.
 */
public final class TransactionState implements RelayState {

    /**
     * A Parse, Close or Describe whose answer is due, or the Sync/Query/FunctionCall that ends a
     * batch. A Describe names the client's statement whose description the answer is.
     */
    record Pending(byte kind, String statement, boolean injected) {
        static final byte PARSE = 'P';
        static final byte CLOSE = 'C';
        static final byte DESCRIBE = 'D';
        static final byte BATCH_END = 'S';
        /** Every Sync, Query and FunctionCall is marked by this one instance. */
        static final Pending END_OF_BATCH = new Pending(BATCH_END, null, false);
        /** A client's Parse or Close the pooler does not track (unnamed, a portal, or the support off). */
        static final Pending UNTRACKED_PARSE = new Pending(PARSE, null, false);
        static final Pending UNTRACKED_CLOSE = new Pending(CLOSE, null, false);
        static final Pending UNTRACKED_DESCRIBE = new Pending(DESCRIBE, null, false);
    }

    record Statement(String serverName, byte[] parse, Classification classification) {
    }

    /** A piece of the client's stream that waits for a connection: a head, a run or a rest (see MessageFramer). */
    record Held(byte kind, ByteBuf bytes, int length) {
        static final byte HEAD = 'h';
        static final byte RUN = 'r';
        static final byte REST = 'e';
    }

    final ClientStatements statements = new ClientStatements();
    /** {@link #deallocate}, made once: StartupResets.rewrite is given it for every Query. */
    final Predicate<String> deallocatedHere = this::deallocate;
    /**
     * The client's statement each of its portals was bound from, while the statement is one the
     * pooler tracks; emptied when a transaction ends, as its portals end with it.
     */
    final Map<String, String> portals = new HashMap<>();
    final ArrayDeque<Pending> pending = new ArrayDeque<>(4);
    final ArrayDeque<Held> held = new ArrayDeque<>(4);
    final MessageFramer clientFramer = new MessageFramer();
    final ClientMessages client;
    final ServerMessages server;
    private final SharedParameters shared;
    private Map<String, String> desired;
    /** What RESET returns to for this client: its startup values. */
    final StartupResets startupResets;
    final ResetTags resetTags = new ResetTags();
    final Relay relay;
    int pendingReadyForQuery;
    /** A message was sent since the last Sync, Query or FunctionCall: a batch is open. */
    boolean batchOpen;
    byte transactionStatus = Protocol.TRANSACTION_IDLE;
    boolean usedNamedParse;
    /** A named Parse from a client holding no connection, kept until the next message shows whether a Sync follows. */
    ByteBuf deferredParse;
    /** The session ended: whatever the client still sends is dropped. */
    boolean discarded;
    /** A statement of the transaction may have changed the session's parameters: read them when it ends. */
    boolean parametersChanged;
    /** Why the client keeps its connection until it leaves, or null while it does not. */
    PinReason pin;
    /** The pooler described a statement it prepared again: the client's messages wait for the answer. */
    boolean describing;
    /** A message of the batch failed in the pooler: the client's messages are dropped up to its Sync. */
    boolean skipToSync;
    /** What the client gets in place of the server's answer to the pooler's failing Execute (TransactionPipeline.failInBatch), or null. */
    ErrorResponse errorInPlace;

    TransactionState(TransactionPipeline pipeline, Relay relay, Map<String, String> startupSettings) {
        this.relay = relay;
        this.shared = pipeline.sharedParameters();
        this.desired = shared.of(startupSettings);
        this.startupResets = StartupResets.of(startupSettings);
        this.client = new ClientMessages(pipeline, this);
        this.server = new ServerMessages(pipeline, this);
    }

    /**
     * The session state this client wants on whichever connection it is given (see the class
     * comment); unmodifiable, and shared with the clients that want the same ({@link SharedParameters}).
     */
    public Map<String, String> desiredParameters() {
        return desired;
    }

    /** The client now wants {@code name} set to {@code value}. */
    public void desire(String name, String value) {
        if (desired.containsKey(name) && Objects.equals(desired.get(name), value)) {
            return;
        }
        Map<String, String> changed = new HashMap<>(desired);
        changed.put(name, value);
        desired = shared.of(changed);
    }

    /** The client now wants exactly {@code parameters}. */
    public void desireOnly(Map<String, String> parameters) {
        desired = shared.of(parameters);
    }

    /** The startup values this client's resets return to, by name. */
    public Map<String, String> startupValues() {
        return startupResets.values();
    }

    /** Why the client keeps its connection until it leaves; null when it does not. */
    public PinReason pin() {
        return pin;
    }

    /**
     * Whether the transaction that just ended may have changed the session's parameters; the flag
     * is cleared by asking.
     */
    public boolean takeParametersChanged() {
        boolean changed = parametersChanged;
        parametersChanged = false;
        return changed;
    }

    /**
     * True between transactions: the last ReadyForQuery said idle, none is owed, and the client has
     * not started another batch (a Parse, Bind or Execute waiting for its Sync).
     */
    public boolean betweenTransactions() {
        return transactionStatus == Protocol.TRANSACTION_IDLE && pendingReadyForQuery == 0 && !batchOpen
                && clientFramer.atMessageBoundary();
    }

    /** Nothing of the client waits for a connection. */
    public boolean nothingHeld() {
        return held.isEmpty() && deferredParse == null;
    }

    /** Releases what waits for a connection: the session ended. */
    public void releaseHeld() {
        Held piece;
        while ((piece = held.poll()) != null) {
            piece.bytes().release();
        }
        if (deferredParse != null) {
            deferredParse.release();
            deferredParse = null;
        }
    }

    /**
     * The client deallocates its statement {@code name} with SQL ({@code DEALLOCATE name}), which
     * the server knows by another name: the pooler forgets it, and says whether the client had it.
     * In a failed transaction block PostgreSQL refuses the DEALLOCATE and keeps the statement: the
     * statement goes to the server as it is, to be refused so.
     */
    private boolean deallocate(String name) {
        if (transactionStatus == Protocol.TRANSACTION_FAILED || statements.forget(name) == null) {
            return false;
        }
        resetTags.parse(name, null);
        return true;
    }

    /** The session ended: buffers kept across reads are released. */
    public void discard() {
        discarded = true;
        releaseHeld();
        clientFramer.discard();
    }

    @Override
    public int pendingReadyForQuery() {
        return pendingReadyForQuery;
    }

    @Override
    public byte transactionStatus() {
        return transactionStatus;
    }

    @Override
    public boolean batchOpen() {
        return batchOpen;
    }

    @Override
    public boolean atMessageBoundary() {
        return clientFramer.atMessageBoundary() && (!relay.attached() || relay.serverState().stream().atMessageBoundary());
    }
}
