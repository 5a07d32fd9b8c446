package io.pgagroal.pipeline;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameter maps clients of the transaction pipeline want, each kept once however many clients
 * want the same. A client wants every parameter its connection reported at startup (about fifteen),
 * with the values it asked for, so an idle client would otherwise hold a map of its own of nearly the
 * same entries as every other; they differ only in what the client sets. The maps handed out are
 * unmodifiable: a client changes what it wants by taking another one, so that no change can reach
 * another client. At most {@link #LIMIT} distinct maps are kept (clients that all differ, by their
 * application_name say, then hold their own).
 */
final class SharedParameters {

    static final int LIMIT = 1024;

    private final Map<Map<String, String>, Map<String, String>> known = new ConcurrentHashMap<>();

    /** An unmodifiable map equal to {@code parameters}: the one kept for it, or a new one. */
    Map<String, String> of(Map<String, String> parameters) {
        Map<String, String> shared = known.get(parameters);
        if (shared != null) {
            return shared;
        }
        Map<String, String> frozen = Collections.unmodifiableMap(new HashMap<>(parameters));
        if (known.size() >= LIMIT) {
            return frozen;
        }
        shared = known.putIfAbsent(frozen, frozen);
        return shared == null ? frozen : shared;
    }

    int size() {
        return known.size();
    }
}
