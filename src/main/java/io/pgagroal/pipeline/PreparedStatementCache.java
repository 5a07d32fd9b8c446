package io.pgagroal.pipeline;

import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The protocol-level prepared statements a server connection holds, by their pooler-wide names,
 * least recently used first. Only the session holding the connection touches it.
 */
final class PreparedStatementCache {

    private final LinkedHashMap<String, Boolean> names = new LinkedHashMap<>(16, 0.75f, true);

    /** Whether the statement is prepared; counts as a use. */
    boolean contains(String name) {
        return names.get(name) != null;
    }

    void add(String name) {
        names.put(name, Boolean.TRUE);
    }

    void remove(String name) {
        names.remove(name);
    }

    /** The statement to close before another is added, when {@code max} are prepared already. */
    Optional<String> eviction(int max) {
        return names.size() < max ? Optional.empty() : Optional.of(names.keySet().iterator().next());
    }
}
