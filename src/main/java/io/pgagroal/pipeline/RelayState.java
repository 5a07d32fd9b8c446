package io.pgagroal.pipeline;

/**
 * What a session must know of the protocol state its pipeline tracked when the client leaves, to
 * give the server connection back clean: how many ReadyForQuery messages the client's requests
 * still owe, the last transaction status, and whether both streams stand between messages.
 */
public interface RelayState {

    /** ReadyForQuery messages still owed for requests the client sent. */
    int pendingReadyForQuery();

    /** Status of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
    byte transactionStatus();

    /** True when both directions stand between messages, so the connection can be reset. */
    boolean atMessageBoundary();
}
