package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * What a pipeline may do with the session it relays for: the seed's {@code worker_io}, seen from the
 * pipeline. All methods are called on the session's event loop.
 */
public interface Relay {

    /** Writes (without flushing) bytes to PostgreSQL; ownership passes to the relay. */
    void writeToServer(ByteBuf buf);

    /** Writes (without flushing) bytes to the client; ownership passes to the relay. */
    void writeToClient(ByteBuf buf);

    /** The client sent Terminate: end the session and give the server connection back to the pool. */
    void clientTerminated();

    /** PostgreSQL reported FATAL or PANIC: end the session once the error reached the client. */
    void serverFatal();

    /** The per-session protocol state the pipelines keep. */
    RelayState state();

    /** Transaction pipeline: what is known of the server connection the client holds now. */
    TransactionServerState serverState();

    /**
     * Transaction pipeline: the last ReadyForQuery said idle and nothing is owed; the server
     * connection goes back to the pool (after DEALLOCATE ALL when {@code deallocate}).
     */
    void transactionEnded(boolean deallocate);
}
