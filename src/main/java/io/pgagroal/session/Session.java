package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Future;
import io.pgagroal.pipeline.Relay;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pipeline.TransactionPipeline;
import io.pgagroal.pipeline.TransactionState;
import io.pgagroal.pool.Authentication;
import io.pgagroal.pool.Checkout;
import io.pgagroal.pool.PoolFullException;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.pool.ServerConnection;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupReplay;
import io.pgagroal.server.Server;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, the seed's worker: authenticates the client, obtains a slot, then relays
 * through the pipeline until the client leaves, and finally gives the connection back.
 *
 * <p>Authentication takes one of two paths. When the pooler knows the user's password (users vault,
 * frontend users) or can learn its hash (auth_query), it checks the client itself first
 * ({@link ClientLogin}), then hands it a pooled connection or logs in to PostgreSQL for it
 * ({@link BackendAuthentication}); the client is then replayed the connection's startup messages.
 * Otherwise (pass-through) it obtains a slot first: a pooled connection's authentication is
 * replayed and the client must answer as its first client did, and a new connection relays the
 * client's authentication to PostgreSQL.
 *
 * <p>Everything runs on the client channel's event loop: a new server connection is opened on that
 * loop, and a pooled one is moved to it before use, so no field needs synchronisation and relayed
 * buffers never cross threads.
 */
final class Session implements Relay, ServerStartup.Owner, ClientLogin.Outcome {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** Transaction pipeline: client messages queued while waiting for a connection before reading stops. */
    private static final int HELD_BEFORE_BACKPRESSURE = 64;
    /** Transaction pipeline: the BackendKeyData the pooler gives its clients. */
    private static final SecureRandom BACKEND_KEYS = new SecureRandom();

    private enum Phase { LOGGING_IN, ACQUIRING, CONNECTING, REPLAYING, RELAYING, ENDED }

    private final PoolState state;
    private final Channel client;
    private final FrontendHandler frontend;
    private final PoolKey key;
    private final int maxSize;
    private final Map<String, String> serverParameters;
    private final Server server;
    private final Login login;
    /** Set when the pooler checks the client itself rather than passing its authentication through. */
    private ClientLogin clientLogin;
    private boolean adopting;
    private final TransactionPipeline transactions;
    /** The key the pool serves: the client's own, or in the transaction pipeline the shared base key. */
    private final PoolKey poolKey;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    /** Transaction pipeline: this session's relay on whichever server connection it holds. */
    private RelayHandler serverRelay;
    private TransactionServerHandler serverLink;
    private boolean replayed;
    private boolean attached;
    private ByteBuf deferredParse;
    private long cancelKey;
    private volatile ServerConnection cancelTarget;
    private Phase phase = Phase.ACQUIRING;
    private Future<Checkout> pending;
    private Checkout checkout;
    private ServerConnection connection;
    private Channel backend;
    private ServerStartup startup;
    private RelayState relayState;

    Session(PoolState state, Channel client, FrontendHandler frontend, PoolKey key, int maxSize,
            Map<String, String> serverParameters, Server server, Login login) {
        this.state = state;
        this.client = client;
        this.frontend = frontend;
        this.key = key;
        this.maxSize = maxSize;
        this.serverParameters = serverParameters;
        this.server = server;
        this.login = login;
        this.transactions = state.pipeline instanceof TransactionPipeline pipeline ? pipeline : null;
        this.poolKey = transactions == null ? key : key.base();
        if (transactions != null) {
            relayState = transactions.newState(key.settings().orElse(Map.of()));
        }
    }

    void start() {
        if (login instanceof Login.PassThrough) {
            acquire();
            return;
        }
        phase = Phase.LOGGING_IN;
        clientLogin = new ClientLogin(state, server, key, login, client, frontend, this);
        clientLogin.start();
    }

    @Override
    public void authenticated() {
        acquire();
    }

    @Override
    public void refused(String sqlState, String message) {
        fatal(sqlState, message);
    }

    private void acquire() {
        if (transactions != null && !replayed) {
            Optional<ServerConnection> template = state.pool.any(poolKey);
            if (template.isPresent()) {
                replayForTransaction(template.get(), transactionState().desiredParameters());
                return;
            }
        }
        if (!replayed) {
            phase = Phase.ACQUIRING;
            frontend.disarmTimeout();
        }
        pending = state.pool.acquire(poolKey, maxSize, client.eventLoop());
        pending.addListener(f -> acquired());
    }

    private void acquired() {
        if (pending.isCancelled()) {
            return;
        }
        if (!pending.isSuccess()) {
            Throwable cause = pending.cause();
            if (cause instanceof PoolFullException) {
                LOG.debug("No connection for {}: {}", key, cause.getMessage());
                fatal(SqlState.TOO_MANY_CONNECTIONS, cause.getMessage());
            } else {
                failed("pool", cause);
            }
            return;
        }
        checkout = pending.getNow();
        pending = null;
        if (LOG.isDebugEnabled()) {
            LOG.debug("Slot {} for {}: {}", checkout.slot(), key, checkout.isNew() ? "new connection" : "pooled connection");
        }
        if (!client.isActive()) {
            giveBackUnused();
            return;
        }
        if (checkout.isNew()) {
            connect();
        } else {
            moveToClientLoop(checkout.connection());
        }
    }

    private void connect() {
        if (!replayed) {
            phase = Phase.CONNECTING;
            frontend.armTimeout();
        }
        BackendAuthentication backendLogin = backendLogin();
        Map<String, String> parameters = transactions == null ? serverParameters
                : Map.of("user", key.user(), "database", key.database());
        startup = backendLogin == null ? ServerStartup.passThrough(this, parameters)
                : ServerStartup.login(this, parameters, backendLogin);
        ChannelFuture future = state.connect(server.config(), client.eventLoop(), new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Frames.NAME, Frames.decoder()).addLast(ServerStartup.NAME, startup);
            }
        });
        backend = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess() && phase != Phase.ENDED) {
                LOG.warn("Could not connect to server {}: {}", server, f.cause().toString());
                fatal(SqlState.CONNECTION_FAILURE, "could not connect to the PostgreSQL server " + server.name());
            }
        });
    }

    /** How the pooler logs in to PostgreSQL for this client; null to pass the client's authentication through. */
    private BackendAuthentication backendLogin() {
        return clientLogin == null ? null : clientLogin.backendLogin();
    }

    /** The server asks the client something (a password, a SASL step): wait for the answer. */
    void awaitClient() {
        frontend.armTimeout();
    }

    /** A framed message from the client before relaying starts. */
    void clientMessage(ByteBuf frame) {
        if (phase == Phase.LOGGING_IN && clientLogin.awaitingAnswer()) {
            frontend.disarmTimeout();
            clientLogin.answer(frame);
        } else if (phase == Phase.CONNECTING && startup != null && !(login instanceof Login.PassThrough)) {
            frame.release();
            protocolViolation("unexpected message before authentication completed");
        } else if (phase == Phase.CONNECTING && startup != null) {
            frontend.disarmTimeout();
            startup.clientAnswer(frame);
        } else if (phase == Phase.REPLAYING && !adopting) {
            frontend.disarmTimeout();
            replayAnswer(frame);
        } else {
            frame.release();
            if (phase != Phase.ENDED) {
                protocolViolation("unexpected message before authentication completed");
            }
        }
    }

    /**
     * The new server connection completed its startup with ReadyForQuery. In pass-through the client
     * has already been sent the startup messages; otherwise it is replayed them now.
     */
    @Override
    public void serverReady(Authentication authentication, byte[] replay, int processId, int secretKey) {
        connection = new ServerConnection(backend, server, poolKey, authentication, replay,
                processId, secretKey);
        state.pool.attach(checkout.slot(), connection);
        if (transactions != null) {
            removeIfPresent(backend.pipeline(), ServerStartup.NAME);
            removeIfPresent(backend.pipeline(), Frames.NAME);
            startup = null;
            synchronizeParameters();
            return;
        }
        if (authentication.byPooler()) {
            writeToClient(Unpooled.wrappedBuffer(replay));
        }
        startRelay();
    }

    /**
     * The new server connection refused: the client's own answer in pass-through (wrong password,
     * no such database), or the pooler's login.
     */
    @Override
    public void serverRefused(ErrorResponse error, ByteBuf frame, boolean pooledLogin) {
        LOG.debug("Server refused {}: {}", key, error);
        if (pooledLogin) {
            frame.release();
            LOG.warn("PostgreSQL refused pgagroal's login as \"{}\" to database \"{}\": {}", key.user(), key.database(), error);
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pgagroal could not log in to PostgreSQL as \"" + key.user() + "\": " + error.message());
            return;
        }
        end();
        client.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        state.pool.kill(checkout.slot());
    }

    /** The pooler could not answer the server's authentication request. */
    @Override
    public void serverLoginFailed(String why) {
        LOG.warn("Could not log in to PostgreSQL as \"{}\": {}", key.user(), why);
        fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "pgagroal could not log in to PostgreSQL as \"" + key.user() + "\": " + why);
    }

    private void moveToClientLoop(ServerConnection pooled) {
        connection = pooled;
        backend = pooled.channel();
        if (backend.eventLoop() == client.eventLoop()) {
            reuse();
            return;
        }
        backend.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                discardAndRetry();
                return;
            }
            client.eventLoop().register(backend).addListener(registered -> {
                if (registered.isSuccess()) {
                    reuse();
                } else {
                    discardAndRetry();
                }
            });
        });
    }

    /** A pooled connection: check the client the way the first client was checked, then replay. */
    private void reuse() {
        if (!backend.isActive()) {
            discardAndRetry();
            return;
        }
        if (!client.isActive()) {
            giveBackUnused();
            return;
        }
        if (transactions != null) {
            synchronizeParameters();
            return;
        }
        if (!connection.key().equals(key)) {
            phase = Phase.REPLAYING;
            adopting = true;
            ParameterAdoption.start(this, backend, key.settings().orElseThrow());
            return;
        }
        Authentication authentication = connection.authentication();
        if (!(login instanceof Login.PassThrough) || authentication.request() == null) {
            replayStartup();
            return;
        }
        phase = Phase.REPLAYING;
        frontend.armTimeout();
        client.writeAndFlush(Unpooled.wrappedBuffer(authentication.request()));
    }

    private void replayAnswer(ByteBuf frame) {
        byte[] answer = new byte[frame.readableBytes()];
        frame.readBytes(answer);
        frame.release();
        if (connection.authentication().accepts(answer)) {
            replayStartup();
        } else {
            giveBackUnused();
            fatal(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + key.user() + "\"");
        }
    }

    private void replayStartup() {
        writeToClient(Unpooled.wrappedBuffer(connection.startupReplay()));
        startRelay();
    }

    /**
     * A base connection took the client's parameters: the client is replayed the connection's
     * startup messages with the ParameterStatus values the SET reported. If PostgreSQL refused a
     * parameter, the connection goes back unchanged and the client gets the error, as it would have
     * at startup.
     */
    void adopted(Map<String, String> reported, ErrorResponse error) {
        if (transactions != null) {
            synchronizedParameters(reported, error);
            return;
        }
        if (phase != Phase.REPLAYING) {
            return;
        }
        adopting = false;
        if (error != null) {
            giveBackUnused();
            fatal(error.code(), error.message());
            return;
        }
        writeToClient(Unpooled.wrappedBuffer(StartupReplay.withParameters(connection.startupReplay(), reported)));
        startRelay();
    }

    /**
     * Transaction pipeline: the connection just obtained gets the client's parameters where they
     * differ from what was last applied on it (one round trip of SETs, skipped when nothing differs).
     */
    private void synchronizeParameters() {
        Map<String, String> differences = null;
        Map<String, String> applied = connection.appliedParameters();
        for (Map.Entry<String, String> desired : transactionState().desiredParameters().entrySet()) {
            if (!desired.getValue().equals(applied.get(desired.getKey()))) {
                if (differences == null) {
                    differences = new LinkedHashMap<>();
                }
                differences.put(desired.getKey(), desired.getValue());
            }
        }
        if (differences == null) {
            attachForTransaction(Map.of());
            return;
        }
        applied.putAll(differences);
        adopting = true;
        ParameterAdoption.start(this, backend, differences);
    }

    private void synchronizedParameters(Map<String, String> reported, ErrorResponse error) {
        adopting = false;
        if (error != null) {
            connection.appliedParameters().clear();
            if (replayed) {
                failed("server", new IllegalStateException("PostgreSQL refused the client's parameters: " + error.message()));
            } else {
                giveBackUnused();
                fatal(error.code(), error.message());
            }
            return;
        }
        attachForTransaction(reported);
    }

    /**
     * Transaction pipeline: relay through the connection obtained. The first time, the client is
     * replayed the startup messages, with the parameters as now applied and its own BackendKeyData,
     * so a CancelRequest names this session, whichever connection it holds.
     */
    private void attachForTransaction(Map<String, String> reported) {
        if (serverRelay == null) {
            serverRelay = new RelayHandler(this, false);
        }
        ChannelPipeline serverPipeline = backend.pipeline();
        if (serverPipeline.get(RelayHandler.NAME) instanceof TransactionServerHandler link) {
            serverLink = link;
            link.relayTo(serverRelay);
        } else {
            removeIfPresent(serverPipeline, IdleServerHandler.NAME);
            serverLink = new TransactionServerHandler(new IdleServerHandler(state.pool, checkout.slot(), connection), serverRelay);
            serverPipeline.addLast(Frames.RELAY_NAME, Frames.relayDecoder()).addLast(RelayHandler.NAME, serverLink);
        }
        backend.config().setAutoRead(true);
        cancelTarget = connection;
        attached = true;
        if (!replayed) {
            Map<String, String> shown = new LinkedHashMap<>(connection.appliedParameters());
            shown.putAll(reported);
            replayForTransaction(connection, shown);
        }
        if (held.isEmpty()) {
            transactionEnded(false);
            return;
        }
        while (!held.isEmpty() && attached) {
            state.pipeline.client(this, held.poll());
        }
        if (attached) {
            backend.flush();
            client.config().setAutoRead(true);
        }
    }

    /**
     * Transaction pipeline: the client's startup ends with a connection's startup messages, showing
     * the parameters it asked for and a BackendKeyData of the pooler's that names this session. The
     * connection is only a template: a client needs no server connection until it sends a query,
     * so clients can connect while every connection is busy (pgbench connects all its clients
     * before it runs any).
     */
    private void replayForTransaction(ServerConnection template, Map<String, String> shown) {
        int processId;
        int secretKey;
        do {
            processId = BACKEND_KEYS.nextInt() & Integer.MAX_VALUE;
            secretKey = BACKEND_KEYS.nextInt();
            cancelKey = CancelForwarder.key(processId, secretKey);
        } while (state.sessions.putIfAbsent(cancelKey, this) != null);
        byte[] replay = StartupReplay.withParameters(template.startupReplay(), shown);
        writeToClient(Unpooled.wrappedBuffer(StartupReplay.withBackendKey(replay, processId, secretKey)));
        replayed = true;
        phase = Phase.RELAYING;
        frontend.disarmTimeout();
        frontend.startRelay(new RelayHandler(this, true), Frames.relayDecoder());
        client.flush();
    }

    private TransactionState transactionState() {
        return (TransactionState) relayState;
    }

    /** The connection this client's CancelRequest should go to now, if it holds one. */
    ServerConnection cancelTarget() {
        return cancelTarget;
    }

    @Override
    public ServerConnection server() {
        return connection;
    }

    @Override
    public void transactionEnded(boolean deallocate) {
        client.flush();
        ServerConnection returned = connection;
        int slot = checkout.slot();
        connection = null;
        backend = null;
        checkout = null;
        cancelTarget = null;
        attached = false;
        TransactionServerHandler link = serverLink;
        serverLink = null;
        returned.channel().config().setAutoRead(true);
        client.config().setAutoRead(true);
        if (deallocate) {
            ConnectionReset.start(state, slot, returned, relayState, List.of("DEALLOCATE ALL"));
        } else {
            link.idle();
            state.pool.release(slot);
        }
        if (!held.isEmpty()) {
            acquire();
        }
    }

    private void discardAndRetry() {
        LOG.debug("Pooled connection {} is gone; asking the pool again", connection);
        state.pool.kill(checkout.slot());
        connection = null;
        backend = null;
        checkout = null;
        acquire();
    }

    private void startRelay() {
        phase = Phase.RELAYING;
        frontend.disarmTimeout();
        relayState = state.pipeline.newState();
        ChannelPipeline serverPipeline = backend.pipeline();
        serverPipeline.addLast(RelayHandler.NAME, new RelayHandler(this, false));
        removeIfPresent(serverPipeline, IdleServerHandler.NAME);
        removeIfPresent(serverPipeline, ServerStartup.NAME);
        removeIfPresent(serverPipeline, Frames.NAME);
        startup = null;
        state.pipeline.start(this);
        frontend.startRelay(new RelayHandler(this, true));
        client.flush();
    }

    void fromClient(ByteBuf chunk) {
        if (phase != Phase.RELAYING) {
            chunk.release();
            return;
        }
        if (transactions != null && !attached) {
            hold(chunk);
            return;
        }
        state.pipeline.client(this, chunk);
    }

    /**
     * Transaction pipeline: a named Parse followed by Sync from a client between transactions (what
     * libpq's PQprepare sends) is answered by the pooler: the statement is recorded and prepared on
     * whichever connection later binds it. Waiting for a connection instead could deadlock a client
     * program that prepares on one connection while its other connections hold every server
     * connection in open transactions (pgbench -M prepared does). A statement with an error is then
     * reported when it is first bound, not when it is prepared.
     */
    private boolean parseWithoutServer(ByteBuf message) {
        byte type = message.getByte(0);
        if (deferredParse != null) {
            ByteBuf parse = deferredParse;
            deferredParse = null;
            if (type == Protocol.SYNC && transactions.parseLater(transactionState(), parse)) {
                message.release();
                client.write(client.alloc().buffer(5).writeByte('1').writeInt(4));
                client.writeAndFlush(Messages.readyForQuery(client.alloc(), Protocol.TRANSACTION_IDLE));
                return true;
            }
            held.add(parse);
            return false;
        }
        if (type == 'P' && held.isEmpty() && checkout == null && pending == null) {
            deferredParse = message;
            return true;
        }
        return false;
    }

    /** Transaction pipeline: a client message while no connection is held waits for one. */
    private void hold(ByteBuf message) {
        if (parseWithoutServer(message)) {
            return;
        }
        if (message.getByte(0) == Protocol.TERMINATE && checkout == null && held.isEmpty()) {
            message.release();
            end();
            client.close();
            return;
        }
        held.add(message);
        if (held.size() >= HELD_BEFORE_BACKPRESSURE) {
            client.config().setAutoRead(false);
        }
        if (checkout == null && pending == null) {
            acquire();
        }
    }

    void fromServer(ByteBuf chunk) {
        if (phase != Phase.RELAYING) {
            chunk.release();
            return;
        }
        state.pipeline.server(this, chunk);
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

    void writeToClientAndFlush(ByteBuf buf) {
        client.writeAndFlush(buf, client.voidPromise());
    }

    void flush(boolean toClient) {
        if (toClient) {
            client.flush();
        } else if (backend != null) {
            backend.flush();
        }
    }

    void writabilityChanged(boolean clientSide, boolean writable) {
        if (writable) {
            Channel source = clientSide ? backend : client;
            if (source != null) {
                source.config().setAutoRead(true);
            }
        }
    }

    @Override
    public RelayState state() {
        return relayState;
    }

    @Override
    public void clientTerminated() {
        if (phase != Phase.RELAYING) {
            return;
        }
        end();
        backend.flush();
        client.close();
        ConnectionReset.start(state, checkout.slot(), connection, relayState, resetStatements());
    }

    /** ROLLBACK when a transaction may be open; then DISCARD ALL, except in the transaction pipeline. */
    private List<String> resetStatements() {
        List<String> statements = new ArrayList<>();
        if (ConnectionReset.needsRollback(relayState)) {
            statements.add(ConnectionReset.ROLLBACK);
        }
        if (transactions == null) {
            statements.add(ConnectionReset.DISCARD_ALL);
        }
        return statements;
    }

    @Override
    public void serverFatal() {
        if (phase != Phase.RELAYING) {
            return;
        }
        LOG.debug("Server connection {} reported FATAL; ending the session", connection);
        end();
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        state.pool.kill(checkout.slot());
    }

    /** The client's connection closed. Without a Terminate the server connection's state is unknown. */
    void clientClosed() {
        switch (phase) {
            case LOGGING_IN -> end();
            case ACQUIRING -> {
                end();
                if (pending != null) {
                    pending.cancel(false);
                }
            }
            case REPLAYING -> {
                end();
                giveBackUnused();
            }
            case RELAYING -> {
                if (transactions == null) {
                    end();
                    state.pool.kill(checkout.slot());
                } else if (attached) {
                    end();
                    ConnectionReset.start(state, checkout.slot(), connection, relayState, resetStatements());
                } else {
                    end();
                    if (pending != null) {
                        pending.cancel(false);
                    } else if (checkout != null) {
                        state.pool.kill(checkout.slot());
                    }
                }
            }
            case CONNECTING -> {
                end();
                state.pool.kill(checkout.slot());
            }
            case ENDED -> {
            }
        }
    }

    @Override
    public void serverClosed() {
        if (phase == Phase.ENDED) {
            return;
        }
        boolean relaying = phase == Phase.RELAYING;
        end();
        state.pool.kill(checkout.slot());
        if (relaying) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            fatal(SqlState.CONNECTION_FAILURE, "the PostgreSQL server closed the connection during startup");
        }
    }

    @Override
    public void failed(String side, Throwable cause) {
        if (phase == Phase.ENDED) {
            return;
        }
        LOG.warn("Session of {} failed on the {} side: {}", key, side, cause.toString());
        LOG.debug("Session failure", cause);
        Phase was = phase;
        end();
        if (was == Phase.REPLAYING) {
            giveBackUnused();
        } else if (checkout != null) {
            state.pool.kill(checkout.slot());
        }
        if (was == Phase.RELAYING) {
            client.close();
        } else {
            frontend.fatal(client, SqlState.PROTOCOL_VIOLATION, "pgagroal: " + cause.getMessage());
        }
    }

    void protocolViolation(String message) {
        failed("client", new IllegalStateException(message));
    }

    private void fatal(String sqlState, String message) {
        Phase was = phase;
        end();
        if (checkout != null && (was == Phase.CONNECTING || (checkout.isNew() && connection == null))) {
            state.pool.kill(checkout.slot());
        }
        frontend.fatal(client, sqlState, message);
    }

    /**
     * A slot the client never used goes back as it was: empty, or FREE for a pooled connection
     * (unless a SET for adoption is still in flight: then its state is unknown and it is closed).
     */
    private void giveBackUnused() {
        if (checkout == null) {
            return;
        }
        if ((checkout.isNew() && connection == null) || adopting) {
            state.pool.kill(checkout.slot());
        } else {
            state.pool.release(checkout.slot());
        }
    }

    private void end() {
        if (phase == Phase.RELAYING) {
            state.pipeline.stop(this);
        }
        if (clientLogin != null) {
            clientLogin.abandon();
        }
        phase = Phase.ENDED;
        frontend.disarmTimeout();
        if (cancelKey != 0) {
            state.sessions.remove(cancelKey, this);
        }
        cancelTarget = null;
        ByteBuf message;
        while ((message = held.poll()) != null) {
            message.release();
        }
        if (deferredParse != null) {
            deferredParse.release();
            deferredParse = null;
        }
    }

    static void removeIfPresent(ChannelPipeline pipeline, String name) {
        if (pipeline.get(name) != null) {
            pipeline.remove(name);
        }
    }
}
