package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.pgagroal.pipeline.TransactionPipeline;
import io.pgagroal.pipeline.TransactionState;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Frames;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupReplay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction pipeline: the client holds a server connection only for the length of a
 * transaction. Its startup ends with the startup messages of any connection of its user and
 * database (a template: it needs no connection until it sends a query), showing the parameters it
 * asked for and a BackendKeyData of the pooler's. Each transaction then takes a connection from the
 * pool, which first gets the client's parameters where they differ ({@link ParameterAdoption}),
 * and gives it back at the ReadyForQuery that ends the transaction. The pipeline frames both streams
 * and keeps what the client sends while it holds no connection; this flow gets it connections.
 */
final class TransactionFlow extends Flow implements ServerStartup.Owner, SlotRequest.Outcome, ParameterAdoption.Outcome {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionFlow.class);

    private final TransactionPipeline transactions;
    private final TransactionState transactionState;
    private final PoolKey poolKey;
    private final SlotRequest slot;
    /** This session's relay on whichever server connection it holds. */
    private final RelayHandler serverRelay = new RelayHandler(this, false);
    private TransactionServerHandler serverLink;
    private boolean replayed;
    private boolean attached;
    private boolean adopting;

    TransactionFlow(Session session, TransactionPipeline transactions) {
        super(session);
        this.transactions = transactions;
        this.transactionState = transactions.newState(this, session.key.settings().orElse(Map.of()));
        this.relayState = transactionState;
        this.poolKey = session.key.base();
        this.slot = new SlotRequest(state, client);
    }

    /** The startup reply needs no connection of its own when any connection can serve as a template. */
    @Override
    void start() {
        Optional<ServerConnection> template = state.pool.any(poolKey);
        if (template.isPresent()) {
            replay(template.get(), transactionState.desiredParameters());
            return;
        }
        session.disarmTimeout();
        acquire();
    }

    @Override
    public void newSlot() {
        if (!replayed) {
            session.moveTo(Session.Phase.CONNECTING);
            session.armTimeout();
        }
        ServerStartup startup = ServerStartup.login(this, Map.of("user", poolKey.user(), "database", poolKey.database()),
                session.backendLogin());
        connect(startup);
    }

    @Override
    public void serverReady(Authentication authentication, byte[] replay, BackendKeyData backendKey) {
        connection = new ServerConnection(backend, session.server, poolKey, authentication, replay, backendKey);
        state.pool.attach(slot.slot(), connection);
        Handlers.removeIfPresent(backend.pipeline(), ServerStartup.class, Frames.Decoder.class);
        synchronizeParameters();
    }

    @Override
    public void serverRefused(ErrorResponse error, ByteBuf frame, boolean pooledLogin) {
        frame.release();
        LOG.warn("PostgreSQL refused pgagroal's login as \"{}\" to database \"{}\": {}", poolKey.user(), poolKey.database(), error);
        session.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "pgagroal could not log in to PostgreSQL as \"" + poolKey.user() + "\": " + error.message());
    }

    @Override
    public void serverLoginFailed(String why) {
        LOG.warn("Could not log in to PostgreSQL as \"{}\": {}", poolKey.user(), why);
        session.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "pgagroal could not log in to PostgreSQL as \"" + poolKey.user() + "\": " + why);
    }

    @Override
    public void serverClosed() {
        if (!session.ended()) {
            session.serverGone(!replayed);
        }
    }

    @Override
    public void failed(String side, Throwable cause) {
        session.failed(side, cause);
    }

    @Override
    public void pooled(ServerConnection pooled) {
        if (pooled.serverState().stream().unsolicited()) {
            LOG.debug("Connection {} received data after a transaction ended; closing it", pooled);
            slot.kill();
            slot.request(poolKey, session.maxSize, this);
            return;
        }
        connection = pooled;
        backend = pooled.channel();
        synchronizeParameters();
    }

    /**
     * The connection just obtained gets the client's parameters where they differ from what was
     * last applied on it (one round trip of SETs, skipped when nothing differs).
     */
    private void synchronizeParameters() {
        Map<String, String> differences = null;
        Map<String, String> applied = connection.serverState().appliedParameters();
        for (Map.Entry<String, String> desired : transactionState.desiredParameters().entrySet()) {
            if (!desired.getValue().equals(applied.get(desired.getKey()))) {
                if (differences == null) {
                    differences = new LinkedHashMap<>();
                }
                differences.put(desired.getKey(), desired.getValue());
            }
        }
        if (differences == null) {
            attach(Map.of());
            return;
        }
        applied.putAll(differences);
        adopting = true;
        ParameterAdoption.start(this, backend, differences);
    }

    @Override
    public void adopted(Map<String, String> reported, ErrorResponse error) {
        adopting = false;
        if (error == null) {
            attach(reported);
            return;
        }
        connection.serverState().appliedParameters().clear();
        if (replayed) {
            session.failed("server", new IllegalStateException("PostgreSQL refused the client's parameters: " + error.message()));
        } else {
            slot.giveBackUnused();
            session.fatal(error.code(), error.message());
        }
    }

    /**
     * Relay through the connection obtained. The first time, the client is replayed the startup
     * messages, with the parameters as now applied.
     */
    private void attach(Map<String, String> reported) {
        ChannelPipeline serverPipeline = backend.pipeline();
        serverLink = serverPipeline.get(TransactionServerHandler.class);
        if (serverLink != null) {
            serverLink.relayTo(serverRelay);
        } else {
            Handlers.removeIfPresent(serverPipeline, IdleServerHandler.class);
            serverLink = new TransactionServerHandler(new IdleServerHandler(state.pool, slot.slot(), connection), serverRelay,
                    connection.serverState().stream());
            serverPipeline.addLast(serverLink);
        }
        backend.config().setAutoRead(true);
        session.cancelTarget(connection);
        attached = true;
        if (!replayed) {
            Map<String, String> shown = new LinkedHashMap<>(connection.serverState().appliedParameters());
            shown.putAll(reported);
            replay(connection, shown);
        }
        if (!transactions.attached(transactionState)) {
            transactionEnded(false);
            return;
        }
        if (attached) {
            backend.flush();
            client.config().setAutoRead(true);
        }
    }

    /**
     * The client's startup ends with a connection's startup messages, showing the parameters it
     * asked for and a BackendKeyData of the pooler's that names this session. The connection is
     * only a template: clients can connect while every connection is busy (pgbench connects all its
     * clients before it runs any).
     */
    private void replay(ServerConnection template, Map<String, String> shown) {
        byte[] replay = StartupReplay.withParameters(template.startupReplay(), shown);
        writeToClient(Unpooled.wrappedBuffer(StartupReplay.withBackendKey(replay, session.cancelKey(0).backendKeyData())));
        replayed = true;
        session.startRelaying(new RelayHandler(this, true));
        client.flush();
    }

    @Override
    public void transactionEnded(boolean deallocate) {
        client.flush();
        ServerConnection returned = connection;
        int returnedSlot = slot.handOver();
        connection = null;
        backend = null;
        session.cancelTarget(null);
        attached = false;
        TransactionServerHandler link = serverLink;
        serverLink = null;
        returned.channel().config().setAutoRead(true);
        client.config().setAutoRead(true);
        if (deallocate) {
            ConnectionReset.start(state, returnedSlot, returned, relayState, List.of("DEALLOCATE ALL"));
        } else {
            link.idle();
            state.pool.release(returnedSlot);
        }
        if (!session.endIfAsked() && !transactionState.nothingHeld()) {
            acquire();
        }
    }

    @Override
    void fromClient(ByteBuf chunk) {
        if (!replayed || session.ended()) {
            chunk.release();
        } else {
            transactions.client(this, chunk);
        }
    }

    @Override
    void fromServer(ByteBuf chunk) {
        if (session.ended()) {
            chunk.release();
            return;
        }
        transactions.server(this, chunk);
    }

    @Override
    public void clientTerminated() {
        session.terminated();
        transactionState.discard();
        if (attached) {
            backend.flush();
            reset();
        }
    }

    @Override
    public boolean attached() {
        return attached;
    }

    @Override
    public boolean connectionRequested() {
        return attached || adopting || slot.held() || slot.pending();
    }

    @Override
    public void acquire() {
        if (!slot.held() && !slot.pending() && !session.ended()) {
            slot.request(poolKey, session.maxSize, this);
        }
    }

    @Override
    public void pauseClient() {
        client.config().setAutoRead(false);
    }

    @Override
    public void flushClient() {
        client.flush();
    }

    @Override
    public void refuse(String sqlState, String message) {
        session.fatal(sqlState, message);
    }

    /** ROLLBACK when a transaction may be open; nothing else is reset in this pipeline. */
    private void reset() {
        session.cancelTarget(null);
        List<String> statements = ConnectionReset.needsRollback(relayState) ? List.of(ConnectionReset.ROLLBACK) : List.of();
        ConnectionReset.start(state, slot.handOver(), connection, relayState, statements);
        attached = false;
    }

    @Override
    public void serverFatal() {
        LOG.debug("Server connection {} reported FATAL; ending the session", connection);
        session.serverGone(false);
    }

    @Override
    void clientGone() {
        transactionState.discard();
        if (attached) {
            reset();
        } else {
            abandon();
        }
    }

    @Override
    void abandon() {
        transactionState.discard();
        attached = false;
        slot.cancel();
        if (connection == null && backend != null) {
            backend.close();
        }
        slot.kill();
    }

    @Override
    boolean idle() {
        return !connectionRequested() && transactionState.nothingHeld();
    }

    @Override
    void leaveIdle() {
        transactionState.discard();
    }

    @Override
    boolean clientAtMessageBoundary() {
        return !attached || connection.serverState().stream().atMessageBoundary();
    }

    @Override
    int slot() {
        return slot.slot();
    }
}
