package io.pgagroal.session;

import io.pgagroal.pipeline.PinReason;
import java.time.Duration;
import java.time.Instant;

/**
 * A live client session as management, metrics, graceful shutdown and disconnect_client see it:
 * who, where, since when, in which phase, on which slot, and the two ways to end it. Reading is
 * safe from any thread (values may be a moment old); the operations run on the session's own event
 * loop.
 */
public interface SessionHandle {

    /** A number no other session of this pooler had (management's {@code terminate <id>}). */
    long id();

    String user();

    /** The database the client asked for (before any alias is resolved). */
    String database();

    /** The application_name of the client's startup packet, or null. */
    String applicationName();

    /** The client's IP address, or [local] for a Unix socket. */
    String clientAddress();

    Instant started();

    /** LOGGING_IN, ACQUIRING, CONNECTING, REPLAYING, RELAYING or ENDED. */
    String phase();

    /** The pool slot the session holds now, or -1. */
    int slot();

    /** How long the session has been waiting for a server connection (paused or queued); zero when it is not. */
    Duration waiting();

    /** Why the transaction pipeline pinned the session to its connection, or null. */
    PinReason pin();

    /**
     * Ends the session now: the client is sent a FATAL ErrorResponse with this SQLSTATE and message
     * (or is closed, when a message to it is half sent) and its server connection is closed.
     */
    void terminate(String sqlState, String message);

    /**
     * Ends the session at its next idle point: the end of its current transaction (ReadyForQuery
     * idle with nothing owed), or now if it stands idle. The client is sent a FATAL ErrorResponse,
     * and its server connection goes back to the pool clean.
     */
    void terminateAtIdle(String sqlState, String message);

    /**
     * Withdraws a {@link #terminateAtIdle} request that has not taken effect yet (a graceful
     * shutdown was cancelled).
     */
    void cancelTerminateAtIdle();
}
