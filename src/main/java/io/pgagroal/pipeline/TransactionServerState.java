package io.pgagroal.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * What the transaction pipeline knows of one server connection, whichever client holds it: the
 * framing of its stream, the prepared statements it holds and the value each parameter was last
 * given on it. Only the session holding the connection touches it.
 */
public final class TransactionServerState {

    private final ServerStream stream = new ServerStream();
    private final PreparedStatementCache preparedStatements = new PreparedStatementCache();
    private final Map<String, String> appliedParameters;

    /** @param startupParameters the parameters PostgreSQL reported at the connection's startup */
    public TransactionServerState(Map<String, String> startupParameters) {
        this.appliedParameters = new HashMap<>(startupParameters);
    }

    /** The framing of the connection's stream, which outlives any one client. */
    public ServerStream stream() {
        return stream;
    }

    /** The pooler-wide prepared statements this connection holds. */
    PreparedStatementCache preparedStatements() {
        return preparedStatements;
    }

    /**
     * The value each parameter was last given on this connection (at startup, by a SET of the
     * pooler, or by a client), to know what to SET for the next client.
     */
    public Map<String, String> appliedParameters() {
        return appliedParameters;
    }
}
