package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.pgagroal.pipeline.PinReason;
import io.pgagroal.pipeline.TransactionPipeline;
import io.pgagroal.pipeline.TransactionServerState;
import io.pgagroal.pipeline.TransactionState;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Frames;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupReplay;
import io.pgagroal.server.Server;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** What the adoption under way asks for, to record once PostgreSQL applied it. */
    private Map<String, String> adopted;
    /** The session's settings are being read after a transaction that may have changed them. */
    private boolean reading;
    private boolean deallocateAfterReading;
    /**
     * A chunk from the client is being fed: a connection attached meanwhile is flushed once at the end of
     * the read (Flow.readComplete), not once for what waited and again for the rest of the chunk.
     */
    private boolean feedingClientChunk;

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
        Map<String, String> shown = template.map(this::shownBy).orElse(null);
        if (shown != null) {
            replay(template.get(), shown);
            return;
        }
        session.disarmTimeout();
        acquire();
    }

    /**
     * The parameters a connection reports, with the values the client asked for as PostgreSQL spells
     * them: what the client is shown at startup. Null when a spelling is not known yet: a real
     * connection then takes the client's parameters, and the pipeline learns it.
     */
    private Map<String, String> shownBy(ServerConnection template) {
        Map<String, String> shown = new LinkedHashMap<>(template.serverState().startupParameters());
        for (Map.Entry<String, String> asked : transactionState.desiredParameters().entrySet()) {
            String current = shown.get(asked.getKey());
            if (current != null && !current.equals(asked.getValue())) {
                String spelling = transactions.spelling(asked.getKey(), asked.getValue());
                if (spelling == null) {
                    return null;
                }
                shown.put(asked.getKey(), spelling);
            }
        }
        return shown;
    }

    /** Each transaction's new connection goes to the primary of the moment (a switch-to may have changed it). */
    @Override
    Server target() {
        return state.servers.primary().orElse(session.server);
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
        connection = new ServerConnection(backend, connecting, poolKey, authentication, replay, backendKey);
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
    boolean clientStarted() {
        return replayed;
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
     * The connection just obtained is brought to the client's session state where it differs (one
     * round trip of set_config calls, skipped when nothing differs): what the client wants is set,
     * what another client set and this one did not is reset. Read-only parameters are never set.
     */
    private void synchronizeParameters() {
        TransactionServerState server = connection.serverState();
        Map<String, String> desired = transactionState.desiredParameters();
        if (server.hasApplied(desired)) {
            attach();
            return;
        }
        Map<String, String> applied = server.appliedParameters();
        Map<String, String> differences = new LinkedHashMap<>();
        desired.forEach((name, value) -> {
            if (!value.equals(applied.get(name)) && ParameterAdoption.settable(name)) {
                differences.put(name, value);
            }
        });
        applied.forEach((name, value) -> {
            if (!desired.containsKey(name) && ParameterAdoption.settable(name) && !value.equals(server.startupParameters().get(name))) {
                differences.put(name, null);
            }
        });
        if (differences.isEmpty()) {
            attach();
            return;
        }
        adopting = true;
        adopted = differences;
        ParameterAdoption.start(this, backend, differences);
    }

    /**
     * Records what the adoption applied. A reported parameter takes the value PostgreSQL reported,
     * or kept when it reported none (the value did not change); the client then wants it spelt so.
     */
    @Override
    public void adopted(Map<String, String> reported, ErrorResponse error) {
        adopting = false;
        Map<String, String> asked = adopted;
        adopted = null;
        if (error == null) {
            TransactionServerState server = connection.serverState();
            reported.forEach(server::apply);
            asked.forEach((name, value) -> {
                if (server.reported(name)) {
                    String now = server.appliedParameters().get(name);
                    if (value != null) {
                        transactions.learnSpelling(name, value, now);
                        transactionState.desire(name, now);
                    }
                } else {
                    server.apply(name, value);
                }
            });
            attach();
            return;
        }
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
    private void attach() {
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
            Map<String, String> shown = new LinkedHashMap<>();
            connection.serverState().startupParameters().keySet()
                    .forEach(name -> shown.put(name, connection.serverState().appliedParameters().get(name)));
            replay(connection, shown);
        }
        if (!transactions.attached(transactionState)) {
            transactionEnded(false);
            return;
        }
        if (attached) {
            if (!feedingClientChunk) {
                backend.flush();
            }
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
        Map<String, String> wanted = new HashMap<>(transactionState.desiredParameters());
        wanted.putAll(shown);
        transactionState.desireOnly(wanted);
        byte[] replay = StartupReplay.withParameters(template.startupReplay(), shown);
        writeToClient(Unpooled.wrappedBuffer(StartupReplay.withBackendKey(replay, session.cancelKey(0).backendKeyData())));
        replayed = true;
        session.startRelaying(new RelayHandler(this, true));
        client.flush();
    }

    /**
     * The client's transaction ended: a pinned client keeps the connection; after a transaction that
     * may have changed the session's parameters they are read first; then the connection goes back.
     */
    @Override
    public void transactionEnded(boolean deallocate) {
        client.flush();
        if (transactionState.pin() != null) {
            session.endIfAsked();
            return;
        }
        if (transactionState.takeParametersChanged()) {
            attached = false;
            reading = true;
            deallocateAfterReading = deallocate;
            ParameterAdoption.read(this, backend);
            return;
        }
        handOver(deallocate);
    }

    /**
     * What the client's transaction left: the session settings read, with the reported parameters
     * as PostgreSQL last reported them. The client wants exactly that from now on, except that a
     * startup parameter no longer set for the session went back to its reset value, which for this
     * client is its startup value (a RESET the pooler did not see, in a function, say). Settings too
     * large to keep stay on this connection instead: the client is pinned to it, and DISCARD ALL
     * clears them when it leaves.
     */
    @Override
    public void read(Map<String, String> settings, ErrorResponse error) {
        reading = false;
        if (error != null) {
            session.failed("server", new IllegalStateException("PostgreSQL did not tell the session's settings: " + error.message()));
            return;
        }
        if (settings == null) {
            transactions.pin(transactionState, PinReason.SESSION_PARAMETERS);
            attach();
            return;
        }
        TransactionServerState server = connection.serverState();
        Map<String, String> now = new HashMap<>();
        settings.forEach((name, value) -> {
            if (ParameterAdoption.settable(name)) {
                now.put(name, value);
            }
        });
        server.startupParameters().keySet().forEach(name -> now.put(name, server.appliedParameters().get(name)));
        server.applyOnly(now);
        Map<String, String> wanted = new HashMap<>(now);
        transactionState.startupValues().forEach((name, value) -> {
            if (now.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                wanted.put(name, value);
            }
        });
        transactionState.desireOnly(wanted);
        handOver(deallocateAfterReading);
    }

    private void handOver(boolean deallocate) {
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
            feedingClientChunk = true;
            try {
                transactions.client(this, chunk);
            } finally {
                feedingClientChunk = false;
            }
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
        return attached || adopting || reading || slot.held() || slot.pending();
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
    public void flushServer() {
        if (attached) {
            backend.flush();
        }
    }

    @Override
    public void refuse(String sqlState, String message) {
        session.fatal(sqlState, message);
    }

    /**
     * ROLLBACK when a transaction may be open; DISCARD ALL when the client was pinned or may have
     * changed the session's parameters without the pooler reading them (it left inside the
     * transaction that did).
     */
    private void reset() {
        session.cancelTarget(null);
        List<String> statements = new ArrayList<>(2);
        if (ConnectionReset.needsRollback(relayState)) {
            statements.add(ConnectionReset.ROLLBACK);
        }
        if (transactionState.pin() != null || transactionState.takeParametersChanged()) {
            statements.add(ConnectionReset.DISCARD_ALL);
            connection.serverState().discarded();
        }
        ConnectionReset.start(state, slot.handOver(), connection, relayState, statements);
        attached = false;
    }

    @Override
    public void pinned(PinReason reason) {
        LOG.debug("{} keeps {} until it leaves: it ran {}", session, connection, reason.statement());
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

    /** Holding no connection, or pinned to one between transactions, with nothing of the client waiting. */
    @Override
    boolean idle() {
        boolean between = transactionState.pin() != null ? attached && transactionState.betweenTransactions() : !connectionRequested();
        return between && transactionState.nothingHeld();
    }

    @Override
    void leaveIdle() {
        transactionState.discard();
        if (attached) {
            reset();
        }
    }

    @Override
    boolean clientAtMessageBoundary() {
        return !attached || connection.serverState().stream().atMessageBoundary();
    }

    @Override
    int slot() {
        return slot.slot();
    }

    @Override
    long waitingNanos() {
        return slot.waitingNanos();
    }

    @Override
    PinReason pin() {
        return transactionState.pin();
    }
}
