package io.pgagroal.pipeline;

import io.pgagroal.protocol.Protocol;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the transaction pipeline keeps for one client across the server connections it is given:
 * its prepared statements (its name, the pooler-wide name, the Parse message that creates it), the
 * parameters it wants (startup values, then what PostgreSQL reported to it), and, for the
 * connection held now, the acknowledgements still expected for the Parse and Close messages sent,
 * in order, with those the pooler sent on its own (to be dropped) told apart.
 */
public final class TransactionState implements RelayState {

    /** A Parse or Close whose acknowledgement is due, or the Sync/Query/FunctionCall that ends a batch. */
    record Pending(byte kind, String statement, boolean injected) {
        static final byte PARSE = 'P';
        static final byte CLOSE = 'C';
        static final byte BATCH_END = 'S';
        /** Every Sync, Query and FunctionCall is marked by this one instance. */
        static final Pending END_OF_BATCH = new Pending(BATCH_END, null, false);
        /** A client's Parse or Close the pooler does not track (unnamed, a portal, or the support off). */
        static final Pending UNTRACKED_PARSE = new Pending(PARSE, null, false);
        static final Pending UNTRACKED_CLOSE = new Pending(CLOSE, null, false);
    }

    record Statement(String serverName, byte[] parse) {
    }

    final Map<String, Statement> statements = new HashMap<>();
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, String> desired;
    int pendingReadyForQuery;
    int sentSinceBatchEnd;
    byte transactionStatus = Protocol.TRANSACTION_IDLE;
    boolean usedNamedParse;

    TransactionState(Map<String, String> startupSettings) {
        this.desired = new LinkedHashMap<>(startupSettings);
    }

    /** The parameters this client wants on whichever connection it is given. */
    public Map<String, String> desiredParameters() {
        return desired;
    }

    /**
     * True between transactions: the last ReadyForQuery said idle, none is owed, and the client has
     * not started another batch (a Parse, Bind or Execute waiting for its Sync).
     */
    public boolean betweenTransactions() {
        return transactionStatus == Protocol.TRANSACTION_IDLE && pendingReadyForQuery == 0 && sentSinceBatchEnd == 0;
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
    public boolean atMessageBoundary() {
        return true;
    }
}
