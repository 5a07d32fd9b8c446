package io.pgagroal.pipeline;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A client's named prepared statements in the transaction pipeline: the Parse that prepares each
 * again on whichever connection the client is given, the description PostgreSQL gave the client of
 * it, and whether its result changed shape since. They stay in the pooler's heap for as long as the
 * client keeps them, where on a connection of its own they would be in its backend, so they are
 * bounded per client: a statement is kept only if it fits in {@link #BUDGET} with what is kept
 * already, each counted with {@link #ENTRY_OVERHEAD} for its names and map entries.
 */
final class ClientStatements {

    /** What one client's statements and their descriptions may take. */
    static final long BUDGET = 64L * 1024 * 1024;
    /** About what a kept statement costs beyond its bytes: the two names and the map entries. */
    static final int ENTRY_OVERHEAD = 256;

    private final Map<String, TransactionState.Statement> statements = new HashMap<>();
    /** The RowDescription body (empty for NoData) PostgreSQL gave the client for each statement. */
    private final Map<String, byte[]> descriptions = new HashMap<>();
    /** Statements whose result changed shape since the client described them: they fail as PostgreSQL's would. */
    private final Set<String> changedShape = new HashSet<>();
    private long bytes;

    TransactionState.Statement get(String name) {
        return statements.get(name);
    }

    boolean contains(String name) {
        return statements.containsKey(name);
    }

    /** Whether a statement whose Parse takes {@code parseBytes} can be kept as {@code name}, in place of any kept so. */
    boolean fits(String name, int parseBytes) {
        return bytes - charge(name) + ENTRY_OVERHEAD + parseBytes <= BUDGET;
    }

    /** Keeps a statement, in place of any of that name; the caller checked that it {@link #fits}. */
    void keep(String name, TransactionState.Statement statement) {
        forget(name);
        statements.put(name, statement);
        bytes += ENTRY_OVERHEAD + statement.parse().length;
    }

    /** The statement is closed or replaced: what was known of it goes. */
    TransactionState.Statement forget(String name) {
        bytes -= charge(name);
        descriptions.remove(name);
        changedShape.remove(name);
        return statements.remove(name);
    }

    /** DEALLOCATE ALL or DISCARD ALL: every statement is gone. */
    void clear() {
        statements.clear();
        descriptions.clear();
        changedShape.clear();
        bytes = 0;
    }

    /** The description the client was given of its statement, or null. */
    byte[] description(String name) {
        return descriptions.get(name);
    }

    /** The client was given this description of a kept statement: the first one is kept, while it fits. */
    void described(String name, byte[] description) {
        if (statements.containsKey(name) && !descriptions.containsKey(name) && bytes + description.length <= BUDGET) {
            descriptions.put(name, description);
            bytes += description.length;
        }
    }

    /** A description too large to keep: none is known. */
    void forgetDescription(String name) {
        byte[] description = descriptions.remove(name);
        if (description != null) {
            bytes -= description.length;
        }
    }

    boolean changedShape(String name) {
        return changedShape.contains(name);
    }

    void shapeChanged(String name) {
        if (statements.containsKey(name)) {
            changedShape.add(name);
        }
    }

    /** What is kept, in bytes as counted against {@link #BUDGET}. */
    long bytes() {
        return bytes;
    }

    private long charge(String name) {
        TransactionState.Statement statement = statements.get(name);
        byte[] description = descriptions.get(name);
        return (statement == null ? 0 : ENTRY_OVERHEAD + statement.parse().length) + (description == null ? 0 : description.length);
    }
}
