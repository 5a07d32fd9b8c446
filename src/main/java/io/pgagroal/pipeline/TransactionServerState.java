package io.pgagroal.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * What the transaction pipeline knows of one server connection, whichever client holds it: the
 * framing of its stream, the prepared statements it holds and its session state. The state is kept
 * as a full map: every parameter PostgreSQL reports (from the connection's startup, then as reported
 * or set) plus every other parameter set on it for the session. A parameter not in the map has the
 * value the connection started with. Only the session holding the connection touches it.
 */
public final class TransactionServerState {

    private final ServerStream stream = new ServerStream();
    private final PreparedStatementCache preparedStatements = new PreparedStatementCache();
    private final Map<String, String> startupParameters;
    private final Map<String, String> appliedParameters;

    /** @param startupParameters the parameters PostgreSQL reported at the connection's startup */
    public TransactionServerState(Map<String, String> startupParameters) {
        this.startupParameters = Map.copyOf(startupParameters);
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

    /** The session state of the connection now: see the class comment. */
    public Map<String, String> appliedParameters() {
        return appliedParameters;
    }

    /** The parameters PostgreSQL reported at the connection's startup: those it reports, with their defaults. */
    public Map<String, String> startupParameters() {
        return startupParameters;
    }

    /** Whether PostgreSQL reports this parameter with ParameterStatus (it did at the connection's startup). */
    public boolean reported(String parameter) {
        return startupParameters.containsKey(parameter);
    }

    /** The pooler ran DISCARD ALL on the connection: it is as it started, with no prepared statement. */
    public void discarded() {
        appliedParameters.clear();
        appliedParameters.putAll(startupParameters);
        preparedStatements.clear();
    }
}
