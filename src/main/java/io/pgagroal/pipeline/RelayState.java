package io.pgagroal.pipeline;

/**
 * What a session must know of the protocol state its pipeline tracked when the client leaves, to
 * give the server connection back clean: how many ReadyForQuery messages the client's requests
 * still owe, the last transaction status, whether an extended-protocol batch is open, and whether
 * both streams stand between messages.
 */
public interface RelayState {

    /** ReadyForQuery messages still owed for requests the client sent. */
    int pendingReadyForQuery();

    /** Status of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
    byte transactionStatus();

    /**
     * Extended-protocol messages were sent since the last Sync: the server owes nothing for them
     * until a Sync, and after an error in them it skips every message until one.
     */
    boolean batchOpen();

    /** True when both directions stand between messages, so the connection can be reset. */
    boolean atMessageBoundary();
}
