package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.pgagroal.pipeline.RelayPipeline;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Frames;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupReplay;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The performance and session pipelines: the client holds one server connection for its whole
 * session. A new connection is opened for it ({@link ServerStartup}), or a pooled one is handed
 * over: a base connection adopts the client's parameters ({@link ParameterAdoption}), a
 * pass-through client answers the request its connection's first client answered; then the client
 * is replayed the connection's startup messages, with a BackendKeyData that carries the backend's
 * process ID and a secret of the pooler's. On Terminate the connection is reset and goes back.
 *
 * <p>A client the pooler authenticated itself does not wait at login for a full pool: when its
 * request would wait and a connection with its parameters exists, it is replayed that connection's
 * startup messages (with process ID 0, as its backend is not known yet) and asks for a connection
 * at its first message, which waits meanwhile; blocking_timeout applies to that wait.
 */
final class SessionFlow extends Flow implements ServerStartup.Owner, SlotRequest.Outcome, ParameterAdoption.Outcome {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFlow.class);

    private final RelayPipeline pipeline;
    private final SlotRequest slot;
    private boolean adopting;
    private boolean relaying;
    /** Logged in without a connection: the client was replayed a template's startup messages. */
    private boolean deferred;
    /** What a deferred client sent before its connection was ready. */
    private CompositeByteBuf held;

    SessionFlow(Session session, RelayPipeline pipeline) {
        super(session);
        this.pipeline = pipeline;
        this.slot = new SlotRequest(state, client);
    }

    @Override
    void start() {
        session.disarmTimeout();
        slot.request(session.key, session.maxSize, this);
        if (slot.pending() && session.backendLogin() != null) {
            state.pool.any(session.key).ifPresent(this::loginWithout);
        }
    }

    /** The client's login ends with the template's startup messages; its request waits for its first message. */
    private void loginWithout(ServerConnection template) {
        slot.cancel();
        deferred = true;
        writeToClient(Unpooled.wrappedBuffer(StartupReplay.withBackendKey(template.startupReplay(), session.cancelKey(0).backendKeyData())));
        session.startRelaying(new RelayHandler(this, true));
        client.flush();
    }

    /** The first bytes of a deferred client: they wait, and so does the client, until it has a connection. */
    private void hold(ByteBuf chunk) {
        if (held == null && chunk.getByte(chunk.readerIndex()) == Protocol.TERMINATE) {
            chunk.release();
            session.terminated();
            return;
        }
        if (held != null) {
            held.addComponent(true, chunk);
            return;
        }
        held = client.alloc().compositeBuffer(Integer.MAX_VALUE);
        held.addComponent(true, chunk);
        client.config().setAutoRead(false);
        // last: a free connection is handed over, and the held bytes sent, before request returns
        slot.request(session.key, session.maxSize, this);
    }

    @Override
    public void newSlot() {
        if (!deferred) {
            session.moveTo(Session.Phase.CONNECTING);
            session.armTimeout();
        }
        BackendAuthentication backendLogin = session.backendLogin();
        ServerStartup startup = backendLogin == null ? ServerStartup.passThrough(this, session, session.serverParameters)
                : ServerStartup.login(this, session.serverParameters, backendLogin);
        connect(startup);
    }

    /** In pass-through the client was sent the startup messages as they came; otherwise it is replayed them now. */
    @Override
    public void serverReady(Authentication authentication, byte[] replay, BackendKeyData backendKey) {
        connection = new ServerConnection(backend, connecting, session.key, authentication, replay, backendKey);
        state.pool.attach(slot.slot(), connection);
        if (authentication.byPooler() && !deferred) {
            writeToClient(Unpooled.wrappedBuffer(withClientKey(replay)));
        }
        startRelay();
    }

    @Override
    public void serverRefused(ErrorResponse error, ByteBuf frame, boolean pooledLogin) {
        LOG.debug("Server refused {}: {}", session.key, error);
        if (pooledLogin) {
            frame.release();
            LOG.warn("PostgreSQL refused pgagroal's login as \"{}\" to database \"{}\": {}", session.key.user(), session.key.database(), error);
            session.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pgagroal could not log in to PostgreSQL as \"" + session.key.user() + "\": " + error.message());
            return;
        }
        LOG.info("connect: refused {}: {}", session.who(), error.message());
        session.forwardFatal(frame);
    }

    @Override
    boolean clientStarted() {
        return relaying;
    }

    /** A pooled connection: check the client the way the first client was checked, then replay. */
    @Override
    public void pooled(ServerConnection pooled) {
        connection = pooled;
        backend = pooled.channel();
        if (!pooled.key().equals(session.key)) {
            if (!deferred) {
                session.moveTo(Session.Phase.REPLAYING);
            }
            adopting = true;
            ParameterAdoption.start(this, backend, session.key.settings().orElseThrow());
            return;
        }
        Authentication authentication = pooled.authentication();
        if (!(session.login instanceof Login.PassThrough) || authentication.request() == null) {
            replayStartup();
            return;
        }
        session.moveTo(Session.Phase.REPLAYING);
        session.awaitClient(this::replayAnswer);
        client.writeAndFlush(Unpooled.wrappedBuffer(authentication.request()));
    }

    private void replayAnswer(ByteBuf frame) {
        byte[] answer = new byte[frame.readableBytes()];
        frame.readBytes(answer);
        frame.release();
        if (connection.authentication().accepts(answer)) {
            replayStartup();
        } else {
            slot.giveBackUnused();
            LOG.info("connect: refused {}: password authentication failed", session.who());
            session.fatal(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + session.key.user() + "\"");
        }
    }

    private void replayStartup() {
        if (!deferred) {
            writeToClient(Unpooled.wrappedBuffer(withClientKey(connection.startupReplay())));
        }
        startRelay();
    }

    /**
     * A base connection took the client's parameters: the client is replayed the connection's
     * startup messages with the ParameterStatus values the SET reported. If PostgreSQL refused a
     * parameter, the connection goes back unchanged and the client gets the error, as it would have
     * at startup.
     */
    @Override
    public void adopted(Map<String, String> reported, ErrorResponse error) {
        if (!session.in(deferred ? Session.Phase.RELAYING : Session.Phase.REPLAYING)) {
            return;
        }
        adopting = false;
        if (error != null) {
            slot.giveBackUnused();
            session.fatal(error.code(), error.message());
            return;
        }
        if (!deferred) {
            writeToClient(Unpooled.wrappedBuffer(withClientKey(StartupReplay.withParameters(connection.startupReplay(), reported))));
        }
        startRelay(pipeline.newAdoptedState(session.key.settings().orElseThrow()));
    }

    private byte[] withClientKey(byte[] replay) {
        return StartupReplay.withBackendKey(replay, session.cancelKey(connection.backendKey().processId()).backendKeyData());
    }

    private void startRelay() {
        startRelay(pipeline.newState());
    }

    /** Relays with this state: an adopted connection's replaces the client's resets (see RelayPipeline#newAdoptedState). */
    private void startRelay(RelayState relayState) {
        this.relayState = relayState;
        relaying = true;
        ChannelPipeline serverPipeline = backend.pipeline();
        serverPipeline.addLast(new RelayHandler(this, false));
        Handlers.removeIfPresent(serverPipeline, IdleServerHandler.class, ServerStartup.class, Frames.Decoder.class);
        pipeline.start(this);
        session.cancelTarget(connection);
        if (!deferred) {
            session.startRelaying(new RelayHandler(this, true));
            client.flush();
            return;
        }
        ByteBuf first = held;
        held = null;
        client.config().setAutoRead(true);
        if (first != null) {
            fromClient(first);
            readComplete(true);
        }
    }

    @Override
    void fromClient(ByteBuf chunk) {
        if (!relaying) {
            if (deferred && !session.ended()) {
                hold(chunk);
            } else {
                chunk.release();
            }
            return;
        }
        session.active();
        pipeline.client(this, chunk);
    }

    @Override
    void fromServer(ByteBuf chunk) {
        if (!relaying) {
            chunk.release();
            return;
        }
        session.active();
        pipeline.server(this, chunk);
        session.endIfAsked();
    }

    @Override
    public void clientTerminated() {
        if (!relaying) {
            return;
        }
        stopRelaying();
        session.terminated();
        backend.flush();
        reset();
    }

    /** ROLLBACK when a transaction may be open, then DISCARD ALL. */
    private void reset() {
        List<String> statements = ConnectionReset.needsRollback(relayState)
                ? List.of(ConnectionReset.ROLLBACK, ConnectionReset.DISCARD_ALL) : List.of(ConnectionReset.DISCARD_ALL);
        ConnectionReset.start(state, slot.handOver(), connection, relayState, statements);
    }

    @Override
    public void serverFatal() {
        if (relaying) {
            LOG.debug("Server connection {} reported FATAL; ending the session", connection);
            session.serverGone(false);
        }
    }

    @Override
    public void transactionEnded(boolean deallocate) {
        throw new UnsupportedOperationException("the session pipelines hold their connection for the whole session");
    }

    @Override
    void clientGone() {
        if (relaying) {
            stopRelaying();
            slot.kill();
        } else {
            abandon();
        }
    }

    @Override
    void abandon() {
        boolean wasRelaying = relaying;
        stopRelaying();
        if (held != null) {
            held.release();
            held = null;
        }
        slot.cancel();
        if (wasRelaying || adopting) {
            slot.kill();
        } else if (connection == null) {
            slot.kill();
            if (backend != null) {
                backend.close();
            }
        } else {
            slot.giveBackUnused();
        }
    }

    private void stopRelaying() {
        if (relaying) {
            relaying = false;
            pipeline.stop(this);
        }
    }

    @Override
    boolean idle() {
        if (deferred && connection == null) {
            return held == null;
        }
        return relaying && relayState.transactionStatus() == Protocol.TRANSACTION_IDLE
                && relayState.pendingReadyForQuery() == 0 && relayState.atMessageBoundary();
    }

    @Override
    void leaveIdle() {
        if (connection != null) {
            stopRelaying();
            reset();
        }
    }

    @Override
    boolean clientAtMessageBoundary() {
        return relayState == null || relayState.atMessageBoundary();
    }

    @Override
    int slot() {
        return slot.slot();
    }

    @Override
    long waitingNanos() {
        return slot.waitingNanos();
    }
}
