package io.pgagroal.pipeline;

import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The protocol-level prepared statements a server connection holds, by their pooler-wide names,
 * least recently used first, each with the RowDescription body of its result when the pooler saw
 * it described (the same SQL may have another shape on another connection, prepared before or
 * after its table changed). Only the session holding the connection touches it.
 */
final class PreparedStatementCache {

    /** The value of a statement whose description the pooler has not seen (compared by identity). */
    private static final byte[] UNKNOWN = new byte[0];

    private final LinkedHashMap<String, byte[]> names = new LinkedHashMap<>(16, 0.75f, true);
    /** A client ran DEALLOCATE ALL or DISCARD ALL, which may or may not have succeeded: close before preparing. */
    private boolean uncertain;

    /** Whether the statement is prepared; counts as a use. */
    boolean contains(String name) {
        return names.get(name) != null;
    }

    void add(String name) {
        names.put(name, UNKNOWN);
    }

    /** The statement's RowDescription body (empty for NoData); null when not seen or not prepared. */
    byte[] description(String name) {
        byte[] description = names.get(name);
        return description == UNKNOWN ? null : description;
    }

    /** The statement was described: its result has this shape here. */
    void described(String name, byte[] description) {
        names.computeIfPresent(name, (statement, before) -> description);
    }

    void remove(String name) {
        names.remove(name);
    }

    /** The connection's statements may all be gone (DEALLOCATE ALL, DISCARD ALL by a client). */
    void forgetAll() {
        names.clear();
        uncertain = true;
    }

    /** Whether a statement may exist on the connection although it is not in the cache. */
    boolean uncertain() {
        return uncertain;
    }

    /** The connection was reset by the pooler (DISCARD ALL that succeeded): it holds no statement. */
    void clear() {
        names.clear();
        uncertain = false;
    }

    /** The statement to close before another is added, when {@code max} are prepared already. */
    Optional<String> eviction(int max) {
        return names.size() < max ? Optional.empty() : Optional.of(names.keySet().iterator().next());
    }
}
