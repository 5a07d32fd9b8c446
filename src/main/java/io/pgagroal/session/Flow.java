package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgagroal.pipeline.Relay;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pipeline.TransactionServerState;

/**
 * What a pipeline family does with a session once its client is authenticated: obtain a
 * connection (or, in the transaction pipeline, a template for the startup reply), relay, and give
 * the connection back. {@link SessionFlow} serves the performance and session pipelines,
 * {@link TransactionFlow} the transaction pipeline; {@link Flows} picks one at admission.
 *
 * <p>The base keeps the two channels and writes with backpressure: a write that fills the
 * destination stops reading from the source until the destination drains.
 */
abstract class Flow implements Relay {

    final Session session;
    final PoolState state;
    final Channel client;
    Channel backend;
    ServerConnection connection;
    RelayState relayState;

    Flow(Session session) {
        this.session = session;
        this.state = session.state;
        this.client = session.client;
    }

    /** The client is authenticated (or passes through): get to RELAYING. */
    abstract void start();

    /** Bytes read from the client while relaying; ownership passes. */
    abstract void fromClient(ByteBuf chunk);

    /** Bytes read from PostgreSQL while relaying; ownership passes. */
    abstract void fromServer(ByteBuf chunk);

    /** The client closed its connection without Terminate; the session has ended. */
    abstract void clientGone();

    /** The session ended abnormally: give back what is unused, close what is in an unknown state. */
    abstract void abandon();

    /** Whether the session stands between transactions with nothing owed. */
    abstract boolean idle();

    /** The session was ended at an idle point: the connection goes back as it is. */
    abstract void leaveIdle();

    /** Whether a message of the pooler's can be written to the client now without cutting one in two. */
    abstract boolean clientAtMessageBoundary();

    /** The slot held now, or -1. */
    abstract int slot();

    @Override
    public void writeToServer(ByteBuf buf) {
        backend.write(buf, backend.voidPromise());
        if (!backend.isWritable()) {
            client.config().setAutoRead(false);
        }
    }

    @Override
    public void writeToClient(ByteBuf buf) {
        client.write(buf, client.voidPromise());
        if (!client.isWritable() && backend != null) {
            backend.config().setAutoRead(false);
        }
    }

    /** After a read loop on one side, the other side is flushed. */
    final void readComplete(boolean fromClient) {
        if (!fromClient) {
            client.flush();
        } else if (backend != null) {
            backend.flush();
        }
    }

    final void writabilityChanged(boolean clientSide, boolean writable) {
        if (writable) {
            Channel source = clientSide ? backend : client;
            if (source != null) {
                source.config().setAutoRead(true);
            }
        }
    }

    /** The server connection of this flow closed. */
    abstract void serverClosed();

    @Override
    public RelayState state() {
        return relayState;
    }

    @Override
    public TransactionServerState serverState() {
        return connection.serverState();
    }
}
