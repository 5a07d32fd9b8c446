package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.pgagroal.pool.PoolFullException;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.server.Server;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pgagroal.pipeline.PinReason;
import io.pgagroal.pipeline.Relay;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pipeline.TransactionServerState;
import java.time.Duration;
import java.util.List;

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

    private static final Logger LOG = LoggerFactory.getLogger(Flow.class);
    /**
     * How long PostgreSQL waits for other sessions to leave a database it drops, renames or copies
     * (CountOtherDBBackends); connections to it given back meanwhile are closed too.
     */
    private static final Duration DATABASE_WAIT = Duration.ofSeconds(5);

    final Session session;
    final PoolState state;
    final Channel client;
    Channel backend;
    ServerConnection connection;
    RelayState relayState;
    /** The server the last {@link #connect} went to. */
    Server connecting;

    Flow(Session session) {
        this.session = session;
        this.state = session.state;
        this.client = session.client;
    }

    /** Opens a new server connection on the client's loop; {@code startup} logs in on it. */
    final void connect(ServerStartup startup) {
        Server server = target();
        connecting = server;
        ChannelFuture future = state.connect(server.config(), client.eventLoop(), startup.initializer());
        backend = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess() && !session.ended()) {
                LOG.warn("Could not connect to server {}: {}", server, f.cause().toString());
                session.fatal(SqlState.CONNECTION_FAILURE, "could not connect to the PostgreSQL server " + server.name()
                        + (f.cause() instanceof SSLException ? ": " + f.cause().getMessage() : ""));
            }
        });
    }

    /** The server a new connection goes to: the one chosen at admission. */
    Server target() {
        return session.server;
    }

    /** The pool gave no connection (SlotRequest.Outcome): full, or failed. */
    public void refused(Throwable cause) {
        if (cause instanceof PoolFullException) {
            LOG.info("pool full: {}: {}", session.who(), cause.getMessage());
            session.fatal(SqlState.TOO_MANY_CONNECTIONS, cause.getMessage());
        } else {
            session.failed("pool", cause);
        }
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

    /** How long a connection has been asked for without answer (nanoseconds), 0 when none is. */
    abstract long waitingNanos();

    /** Why the session is pinned to its connection (transaction pipeline), or null. */
    PinReason pin() {
        return null;
    }

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

    /** The server connection of this flow closed (ServerStartup.Owner, ParameterAdoption.Outcome, RelayHandler). */
    public void serverClosed() {
        if (!session.ended()) {
            session.serverGone(!clientStarted());
        }
    }

    /** Whether the client was sent its startup reply: a server lost before that ends the client's login. */
    abstract boolean clientStarted();

    /** The pooler's own login to PostgreSQL failed (ServerStartup.Owner). */
    public void serverLoginFailed(String why) {
        LOG.warn("Could not log in to PostgreSQL as \"{}\": {}", session.key.user(), why);
        session.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "pgagroal could not log in to PostgreSQL as \"" + session.key.user() + "\": " + why);
    }

    /** Something failed on one side (ServerStartup.Owner, ParameterAdoption.Outcome). */
    public void failed(String side, Throwable cause) {
        session.failed(side, cause);
    }

    @Override
    public void closeIdleConnections(List<String> databases) {
        int closed = state.pool.closeIdle(databases, DATABASE_WAIT);
        if (closed > 0) {
            LOG.info("Closed {} idle connection(s) to {} before a statement of user \"{}\" that needs nobody connected there", closed, databases,
                    session.key.user());
        }
    }

    @Override
    public RelayState state() {
        return relayState;
    }

    @Override
    public TransactionServerState serverState() {
        return connection.serverState();
    }
}
