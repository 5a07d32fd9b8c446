package io.pgagroal.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Future;
import io.pgagroal.pipeline.Relay;
import io.pgagroal.pipeline.RelayState;
import io.pgagroal.pool.Authentication;
import io.pgagroal.pool.Checkout;
import io.pgagroal.pool.PoolFullException;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.pool.ServerConnection;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.server.Server;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, the seed's worker: obtains a slot, authenticates the client (by replaying a
 * pooled connection's authentication, or by passing it through to a new server connection), then
 * relays through the pipeline until the client leaves, and finally gives the connection back.
 *
 * <p>Everything runs on the client channel's event loop: a new server connection is opened on that
 * loop, and a pooled one is moved to it before use, so no field needs synchronisation and relayed
 * buffers never cross threads.
 */
final class Session implements Relay {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private enum Phase { ACQUIRING, CONNECTING, REPLAYING, RELAYING, ENDED }

    private final PoolState state;
    private final Channel client;
    private final FrontendHandler frontend;
    private final PoolKey key;
    private final int maxSize;
    private final Map<String, String> serverParameters;
    private final Server server;
    private Phase phase = Phase.ACQUIRING;
    private Future<Checkout> pending;
    private Checkout checkout;
    private ServerConnection connection;
    private Channel backend;
    private ServerStartup startup;
    private RelayState relayState;

    Session(PoolState state, Channel client, FrontendHandler frontend, PoolKey key, int maxSize,
            Map<String, String> serverParameters, Server server) {
        this.state = state;
        this.client = client;
        this.frontend = frontend;
        this.key = key;
        this.maxSize = maxSize;
        this.serverParameters = serverParameters;
        this.server = server;
    }

    void start() {
        phase = Phase.ACQUIRING;
        frontend.disarmTimeout();
        pending = state.pool.acquire(key, maxSize, client.eventLoop());
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
        LOG.debug("Slot {} for {}: {}", checkout.slot(), key, checkout.isNew() ? "new connection" : "pooled connection");
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
        phase = Phase.CONNECTING;
        frontend.armTimeout();
        startup = new ServerStartup(this, serverParameters);
        ChannelFuture future = ServerConnector.connect(state, server.config(), client.eventLoop(), new io.netty.channel.ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Frames.NAME, Frames.decoder()).addLast(ServerStartup.NAME, startup);
            }
        });
        backend = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess() && phase == Phase.CONNECTING) {
                LOG.warn("Could not connect to server {}: {}", server, f.cause().toString());
                fatal(SqlState.CONNECTION_FAILURE, "could not connect to the PostgreSQL server " + server.name());
            }
        });
    }

    /** The server asks the client something (a password, a SASL step): wait for the answer. */
    void awaitClient() {
        frontend.armTimeout();
    }

    /** A framed message from the client before relaying starts. */
    void clientMessage(ByteBuf frame) {
        if (phase == Phase.CONNECTING && startup != null) {
            frontend.disarmTimeout();
            startup.clientAnswer(frame);
        } else if (phase == Phase.REPLAYING) {
            frontend.disarmTimeout();
            replayAnswer(frame);
        } else {
            frame.release();
            if (phase != Phase.ENDED) {
                protocolViolation("unexpected message before authentication completed");
            }
        }
    }

    /** The new server connection completed its startup with ReadyForQuery. */
    void serverReady(Authentication authentication, byte[] replay, int processId, int secretKey, ByteBuf readyForQuery) {
        connection = new ServerConnection(backend, server, key, authentication, replay, processId, secretKey);
        state.pool.attach(checkout.slot(), connection);
        writeToClient(readyForQuery);
        startRelay();
    }

    /** The new server connection refused the client (wrong password, no such database, ...). */
    void serverRefused(ErrorResponse error, ByteBuf frame) {
        LOG.debug("Server refused {}: {}", key, error);
        end();
        client.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        state.pool.kill(checkout.slot());
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
        Authentication authentication = connection.authentication();
        if (authentication.request() == null) {
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

    private void discardAndRetry() {
        LOG.debug("Pooled connection {} is gone; asking the pool again", connection);
        state.pool.kill(checkout.slot());
        connection = null;
        backend = null;
        checkout = null;
        start();
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
        state.pipeline.client(this, chunk);
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
        ConnectionReset.start(state, checkout.slot(), connection, relayState);
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
            case CONNECTING, RELAYING -> {
                end();
                state.pool.kill(checkout.slot());
            }
            case ENDED -> {
            }
        }
    }

    void serverClosed() {
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

    void failed(String side, Throwable cause) {
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
        if (checkout != null && was == Phase.CONNECTING) {
            state.pool.kill(checkout.slot());
        }
        frontend.fatal(client, sqlState, message);
    }

    /** A slot the client never used goes back as it was: empty, or FREE for a pooled connection. */
    private void giveBackUnused() {
        if (checkout == null) {
            return;
        }
        if (checkout.isNew() && connection == null) {
            state.pool.kill(checkout.slot());
        } else {
            state.pool.release(checkout.slot());
        }
    }

    private void end() {
        if (phase == Phase.RELAYING) {
            state.pipeline.stop(this);
        }
        phase = Phase.ENDED;
        frontend.disarmTimeout();
    }

    static void removeIfPresent(ChannelPipeline pipeline, String name) {
        if (pipeline.get(name) != null) {
            pipeline.remove(name);
        }
    }
}
