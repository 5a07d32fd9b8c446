package io.pgagroal.session;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The databases new clients may not connect to (spec §6.10, {@code disable} and {@code enable}):
 * names disabled one by one, or all of them by {@code *}. Admission reads one immutable snapshot
 * (a volatile read); the rare changes replace it under the object's lock. Upstream keeps at most 64
 * names; here the list has no limit. Sessions already admitted are not touched.
 */
final class DisabledDatabases {

    private record Snapshot(boolean all, Set<String> names) {
    }

    private volatile Snapshot snapshot = new Snapshot(false, Set.of());

    /** {@code disable <name>} adds one name (and ends "all disabled"); {@code disable *} disables all. */
    synchronized void disable(String database) {
        if (database.equals("*")) {
            snapshot = new Snapshot(true, Set.of());
            return;
        }
        Set<String> names = new HashSet<>(snapshot.names());
        names.add(database);
        snapshot = new Snapshot(false, Set.copyOf(names));
    }

    /** {@code enable <name>} removes one name; {@code enable *} enables every database. */
    synchronized void enable(String database) {
        if (database.equals("*")) {
            snapshot = new Snapshot(false, Set.of());
            return;
        }
        Set<String> names = new HashSet<>(snapshot.names());
        names.remove(database);
        snapshot = new Snapshot(snapshot.all(), Set.copyOf(names));
    }

    boolean disabled(String database) {
        Snapshot now = snapshot;
        return now.all() || now.names().contains(database);
    }

    /** What is disabled now: {@code *} alone when every database is, else the names, sorted. */
    List<String> names() {
        Snapshot now = snapshot;
        return now.all() ? List.of("*") : now.names().stream().sorted().toList();
    }
}
