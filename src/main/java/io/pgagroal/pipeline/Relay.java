package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * What a pipeline may do with the session it relays for: the seed's {@code worker_io}, seen from the
 * pipeline. All methods are called on the session's event loop. The second group serves the
 * transaction pipeline, whose client holds a connection only for a transaction.
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

    /**
     * The client sent a statement that fails while other sessions are connected to these databases
     * (DROP DATABASE, ALTER DATABASE ... RENAME, CREATE DATABASE and its template): the pool's idle
     * connections to them are closed before the statement is forwarded.
     */
    default void closeIdleConnections(List<String> databases) {
    }

    /** The per-session protocol state the pipelines keep. */
    RelayState state();

    /** Transaction pipeline: what is known of the server connection the client holds now. */
    default TransactionServerState serverState() {
        throw new UnsupportedOperationException();
    }

    /**
     * Transaction pipeline: the last ReadyForQuery said idle and nothing is owed; the server
     * connection goes back to the pool (after DEALLOCATE ALL when {@code deallocate}).
     */
    default void transactionEnded(boolean deallocate) {
        throw new UnsupportedOperationException();
    }

    /** Transaction pipeline: whether a server connection is attached and relaying now. */
    default boolean attached() {
        return true;
    }

    /** Transaction pipeline: whether a connection is attached, being attached, or asked for. */
    default boolean connectionRequested() {
        return true;
    }

    /** Transaction pipeline: the client sent something while holding no connection; ask for one. */
    default void acquire() {
    }

    /** Transaction pipeline: too much of the client waits for a connection; stop reading it until attached. */
    default void pauseClient() {
    }

    /** Transaction pipeline: the client now keeps its connection until it leaves, for this reason. */
    default void pinned(PinReason reason) {
    }

    /** Flushes what was written to the server. */
    default void flushServer() {
    }

    /** Flushes what was written to the client. */
    default void flushClient() {
    }

    /** Ends the session with a FATAL ErrorResponse: the client asked for something the pooler cannot do. */
    default void refuse(String sqlState, String message) {
        throw new UnsupportedOperationException(message);
    }
}
