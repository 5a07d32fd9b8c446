package io.pgagroal.session;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every live client session of the pooler, whatever its pipeline, and the cancel keys they were
 * given. Management, metrics, graceful shutdown and disconnect_client reach sessions only through
 * here. A session adds itself when it starts and removes itself when it ends, on its event loop;
 * readers on other threads see a consistent set.
 */
public final class SessionRegistry {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<Long, Session> byCancelKey = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    void add(Session session) {
        sessions.add(session);
    }

    void remove(Session session) {
        sessions.remove(session);
    }

    /** The live sessions themselves, for the maintenance timer (disconnect_client). */
    Iterable<Session> live() {
        return sessions;
    }

    /** A snapshot of the live sessions. */
    public List<SessionHandle> sessions() {
        return Collections.unmodifiableList(new ArrayList<>(sessions));
    }

    /** The live session with this {@link SessionHandle#id()}. */
    public Optional<SessionHandle> byId(long id) {
        return sessions.stream().filter(session -> session.id() == id).map(SessionHandle.class::cast).findFirst();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    public int size() {
        return sessions.size();
    }

    /**
     * A key no other live session holds, with a fresh secret; the process ID is the backend's
     * (performance and session pipelines) or, when {@code processId} is 0, a random one too.
     */
    CancelKey cancelKey(Session session, int processId) {
        CancelKey key;
        do {
            key = new CancelKey(processId != 0 ? processId : RANDOM.nextInt() & Integer.MAX_VALUE, RANDOM.nextInt());
        } while (byCancelKey.putIfAbsent(key.asLong(), session) != null);
        return key;
    }

    void forget(CancelKey key, Session session) {
        byCancelKey.remove(key.asLong(), session);
    }

    /** The live session a client's CancelRequest names, or null. */
    Session byCancelKey(int processId, int secretKey) {
        return byCancelKey.get(new CancelKey(processId, secretKey).asLong());
    }
}
