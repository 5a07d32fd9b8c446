package io.pgagroal.session;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pause [db|*]} and {@code resume [db|*]} (ours, beyond pgagroal). While a database is
 * paused, a session's request for a server connection to it (a new session's in the performance
 * and session pipelines, each transaction start in the transaction pipeline) is held here instead of
 * being put to the pool, and is put to it at resume, on the session's event loop. Work that holds a
 * connection already runs on and finishes. Nothing fails meanwhile: blocking_timeout counts from the
 * moment a request reaches the pool, and no authentication timer runs while a session asks for a
 * connection.
 *
 * <p>Requests read one immutable snapshot (a volatile read) and take the lock only while something
 * is paused, so that a request is never held after the resume that should release it.
 */
final class Pause {

    private static final Logger LOG = LoggerFactory.getLogger(Pause.class);

    private record Snapshot(boolean all, Set<String> names) {
        boolean covers(String database) {
            return all || names.contains(database);
        }

        boolean any() {
            return all || !names.isEmpty();
        }
    }

    /** A request held until its database is resumed; {@code go} runs on {@code loop} with this held. */
    static final class Held {
        private final String database;
        private final EventLoop loop;
        private final Consumer<Held> go;

        private Held(String database, EventLoop loop, Consumer<Held> go) {
            this.database = database;
            this.loop = loop;
            this.go = go;
        }
    }

    private volatile Snapshot snapshot = new Snapshot(false, Set.of());
    /** Guarded by this. */
    private final List<Held> held = new ArrayList<>();

    /**
     * @return null when {@code database} is not paused (the caller asks the pool now), else the held
     *         request, which {@code go} receives at resume unless it was {@link #withdraw}n
     */
    Held hold(String database, EventLoop loop, Consumer<Held> go) {
        if (!snapshot.covers(database)) {
            return null;
        }
        synchronized (this) {
            if (!snapshot.covers(database)) {
                return null;
            }
            Held request = new Held(database, loop, go);
            held.add(request);
            return request;
        }
    }

    /** The session no longer wants the connection (it ended). */
    synchronized void withdraw(Held request) {
        held.remove(request);
    }

    /** {@code pause <name>} adds one database; {@code pause *} pauses every one. */
    synchronized void pause(String database) {
        Snapshot now = snapshot;
        if (database.equals("*")) {
            snapshot = new Snapshot(true, Set.of());
        } else if (!now.all()) {
            Set<String> names = new HashSet<>(now.names());
            names.add(database);
            snapshot = new Snapshot(false, Set.copyOf(names));
        }
        LOG.info("Paused {}: new server connections and transactions wait until it is resumed", database.equals("*") ? "every database" : database);
    }

    /**
     * {@code resume <name>} or {@code resume *}; the requests held for what is no longer paused go
     * to the pool.
     *
     * @return how many requests were released
     * @throws IllegalArgumentException for one name while every database is paused
     */
    int resume(String database) {
        List<Held> released = new ArrayList<>();
        synchronized (this) {
            Snapshot now = snapshot;
            if (database.equals("*")) {
                snapshot = new Snapshot(false, Set.of());
            } else if (now.all()) {
                throw new IllegalArgumentException("every database is paused (pause *): resume * to resume them");
            } else {
                Set<String> names = new HashSet<>(now.names());
                names.remove(database);
                snapshot = new Snapshot(false, Set.copyOf(names));
            }
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held request = it.next();
                if (!snapshot.covers(request.database)) {
                    it.remove();
                    released.add(request);
                }
            }
        }
        released.forEach(request -> request.loop.execute(() -> request.go.accept(request)));
        LOG.info("Resumed {}: {} waiting request(s) released", database.equals("*") ? "every database" : database, released.size());
        return released.size();
    }

    /** A graceful shutdown lets the held requests finish: every pause ends. */
    void end() {
        if (snapshot.any()) {
            resume("*");
        }
    }

    /** What is paused now: {@code *} alone when every database is, else the names, sorted. */
    List<String> names() {
        Snapshot now = snapshot;
        return now.all() ? List.of("*") : now.names().stream().sorted().toList();
    }

    /** How many requests are held now. */
    synchronized int waiting() {
        return held.size();
    }
}
