package io.pgagroal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.pgagroal.pipeline.TransactionServerState;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.pool.PooledConnection;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.StartupReplay;
import io.pgagroal.server.Server;
import java.time.Instant;

/**
 * An authenticated connection to PostgreSQL, as a pool slot holds it, with what a later client
 * needs to be handed it without a round trip to the server: how the first client authenticated
 * (to check the next one the same way) and the messages that end the startup (AuthenticationOk,
 * ParameterStatus, BackendKeyData, ReadyForQuery), replayed as they were received. It also carries
 * what the transaction pipeline knows of it, and closes itself when the pool lets go of it.
 */
final class ServerConnection implements PooledConnection {

    private final Channel channel;
    private final Server server;
    private final PoolKey key;
    private final Authentication authentication;
    private final byte[] startupReplay;
    private final BackendKeyData backendKey;
    private final TransactionServerState serverState;
    private final Instant opened = Instant.now();
    /** Read and written on the connection's event loop only. */
    private boolean discarded;

    ServerConnection(Channel channel, Server server, PoolKey key, Authentication authentication,
            byte[] startupReplay, BackendKeyData backendKey) {
        this.channel = channel;
        this.server = server;
        this.key = key;
        this.authentication = authentication;
        this.startupReplay = startupReplay;
        this.backendKey = backendKey;
        this.serverState = new TransactionServerState(StartupReplay.parameters(startupReplay));
    }

    /** When the connection finished logging in. */
    Instant opened() {
        return opened;
    }

    Channel channel() {
        return channel;
    }

    Server server() {
        return server;
    }

    @Override
    public PoolKey key() {
        return key;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    Authentication authentication() {
        return authentication;
    }

    /** AuthenticationOk, ParameterStatus..., BackendKeyData, ReadyForQuery as PostgreSQL sent them. */
    byte[] startupReplay() {
        return startupReplay;
    }

    /** The backend's own key, which a CancelRequest for it must carry. */
    BackendKeyData backendKey() {
        return backendKey;
    }

    /** Transaction pipeline: its prepared statements and applied parameters. */
    TransactionServerState serverState() {
        return serverState;
    }

    /** Open, not discarded, and authenticated in a way a later client can be checked against. */
    @Override
    public boolean reusable() {
        return !discarded && authentication.replayable() && channel.isActive() && !isTemplate(key.database());
    }

    /**
     * template0 and template1 are never pooled: CREATE DATABASE copies template1 and fails while
     * anyone is connected to it (an idle pooled connection included).
     */
    static boolean isTemplate(String database) {
        return database.equals("template0") || database.equals("template1");
    }

    /**
     * The connection is in an unknown state (PostgreSQL sent something nobody asked for): it is
     * closed when returned rather than given to another client.
     */
    void discard() {
        discarded = true;
    }

    /** The pool's closer: Terminate when the connection is still open, then close. */
    void terminate() {
        if (channel.isActive()) {
            channel.writeAndFlush(Messages.terminate()).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return key + " pid " + backendKey.processId() + " on " + server;
    }
}
