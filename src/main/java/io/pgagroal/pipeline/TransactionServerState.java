package io.pgagroal.pipeline;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What the transaction pipeline knows of one server connection, whichever client holds it: the
 * framing of its stream, the prepared statements it holds and its session state. The state is kept
 * as a full map: every parameter PostgreSQL reports (from the connection's startup, then as reported
 * or set) plus every other parameter set on it for the session. A parameter not in the map has the
 * value the connection started with. Only the session holding the connection touches it.
 *
 * <p>Each check-out asks whether the connection is in the state its client wants; the answer is kept
 * with the client's desired map, which is shared by every client that wants the same state
 * ({@code SharedParameters}), so that while the state stays as it is the next client wanting it costs
 * one reference comparison instead of comparing two maps. Any change forgets the answer.
 */
public final class TransactionServerState {

    private final ServerStream stream = new ServerStream();
    private final PreparedStatementCache preparedStatements = new PreparedStatementCache();
    private final Map<String, String> startupParameters;
    private final Map<String, String> appliedParameters;
    private final Map<String, String> appliedView;
    /** A desired map equal to the applied parameters, or null when none is known to be. */
    private Map<String, String> matched;

    /** @param startupParameters the parameters PostgreSQL reported at the connection's startup */
    public TransactionServerState(Map<String, String> startupParameters) {
        this.startupParameters = Map.copyOf(startupParameters);
        this.appliedParameters = new HashMap<>(startupParameters);
        this.appliedView = Collections.unmodifiableMap(appliedParameters);
    }

    /** The framing of the connection's stream, which outlives any one client. */
    public ServerStream stream() {
        return stream;
    }

    /** The pooler-wide prepared statements this connection holds. */
    PreparedStatementCache preparedStatements() {
        return preparedStatements;
    }

    /** The session state of the connection now, unmodifiable: see the class comment. */
    public Map<String, String> appliedParameters() {
        return appliedView;
    }

    /**
     * Whether the session state of the connection is {@code desired}, an unmodifiable map (a client's
     * shared one: the answer is remembered by reference, see the class comment).
     */
    public boolean hasApplied(Map<String, String> desired) {
        if (desired == matched) {
            return true;
        }
        if (appliedParameters.equals(desired)) {
            matched = desired;
            return true;
        }
        return false;
    }

    /** {@code name} is now set to {@code value} on the connection; null: to the value it started with. */
    public void apply(String name, String value) {
        matched = null;
        if (value == null) {
            appliedParameters.remove(name);
        } else {
            appliedParameters.put(name, value);
        }
    }

    /** The session state of the connection is now exactly {@code parameters}. */
    public void applyOnly(Map<String, String> parameters) {
        matched = null;
        appliedParameters.clear();
        appliedParameters.putAll(parameters);
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
        applyOnly(startupParameters);
        preparedStatements.clear();
    }
}
