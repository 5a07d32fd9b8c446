package io.pgagroal.pool;

import io.netty.channel.Channel;
import io.pgagroal.protocol.StartupReplay;
import io.pgagroal.server.Server;
import java.util.HashMap;
import java.util.Map;

/**
 * An authenticated connection to PostgreSQL, as a pool slot holds it, with what a later client
 * needs to be handed it without a round trip to the server: how the first client authenticated
 * (to check the next one the same way) and the messages that end the startup (AuthenticationOk,
 * ParameterStatus, BackendKeyData, ReadyForQuery), replayed as they were received.
 */
public final class ServerConnection {

    private final Channel channel;
    private final Server server;
    private final PoolKey key;
    private final Authentication authentication;
    private final byte[] startupReplay;
    private final int processId;
    private final int secretKey;
    private final PreparedStatementCache preparedStatements = new PreparedStatementCache();
    private final Map<String, String> applied;
    /** Read and written on the connection's event loop only. */
    private boolean discarded;

    public ServerConnection(Channel channel, Server server, PoolKey key, Authentication authentication,
            byte[] startupReplay, int processId, int secretKey) {
        this.channel = channel;
        this.server = server;
        this.key = key;
        this.authentication = authentication;
        this.startupReplay = startupReplay;
        this.processId = processId;
        this.secretKey = secretKey;
        this.applied = new HashMap<>(StartupReplay.parameters(startupReplay));
    }

    public Channel channel() {
        return channel;
    }

    public Server server() {
        return server;
    }

    public PoolKey key() {
        return key;
    }

    public Authentication authentication() {
        return authentication;
    }

    /** AuthenticationOk, ParameterStatus..., BackendKeyData, ReadyForQuery as PostgreSQL sent them. */
    public byte[] startupReplay() {
        return startupReplay;
    }

    public int processId() {
        return processId;
    }

    public int secretKey() {
        return secretKey;
    }

    /** Transaction pipeline: the pooler-wide prepared statements this connection holds. */
    public PreparedStatementCache preparedStatements() {
        return preparedStatements;
    }

    /**
     * Transaction pipeline: the value each parameter was last given on this connection (at startup,
     * by a SET of the pooler, or by a client), to know what to SET for the next client.
     */
    public Map<String, String> appliedParameters() {
        return applied;
    }

    /** Whether another client may be given this connection once it is returned. */
    public boolean reusable() {
        return !discarded && authentication.replayable();
    }

    /**
     * The connection is in an unknown state (PostgreSQL sent something nobody asked for): it is
     * closed when returned rather than given to another client.
     */
    public void discard() {
        discarded = true;
    }

    @Override
    public String toString() {
        return key + " pid " + processId + " on " + server;
    }
}
