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
 * application_name say, then hold their own), and only maps of at most {@link #MAX_SHARED_CHARACTERS}
 * characters of names and values: the table is never emptied, so a larger map kept here would
 * outlive its clients (a client that set a long value a thousand times would leave a thousand).
 */
final class SharedParameters {

    static final int LIMIT = 1024;
    static final int MAX_SHARED_CHARACTERS = 4096;

    private final Map<Map<String, String>, Map<String, String>> known = new ConcurrentHashMap<>();

    /** An unmodifiable map equal to {@code parameters}: the one kept for it, or a new one. */
    Map<String, String> of(Map<String, String> parameters) {
        Map<String, String> shared = known.get(parameters);
        if (shared != null) {
            return shared;
        }
        Map<String, String> frozen = Collections.unmodifiableMap(new HashMap<>(parameters));
        if (known.size() >= LIMIT || characters(frozen) > MAX_SHARED_CHARACTERS) {
            return frozen;
        }
        shared = known.putIfAbsent(frozen, frozen);
        return shared == null ? frozen : shared;
    }

    private static long characters(Map<String, String> parameters) {
        long characters = 0;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            characters += parameter.getKey().length() + (parameter.getValue() == null ? 0 : parameter.getValue().length());
        }
        return characters;
    }

    int size() {
        return known.size();
    }
}
