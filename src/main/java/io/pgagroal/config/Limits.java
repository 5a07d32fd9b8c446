package io.pgagroal.config;

import java.util.List;
import java.util.Optional;

/**
 * The rules of pgagroal_databases.conf. {@link #bestRule} ranks the matching entries as spec §3.2
 * states the precedence: an exact user and database (or alias) first, then the user with database
 * {@code all}, then {@code all} users with the database, then {@code all}/{@code all}; the earlier line
 * wins a tie. (Upstream's pairwise replacement can depend on line order; a rank cannot.)
 */
public final class Limits {

    static final Limits NONE = new Limits(null, List.of());

    private static final String ALL = "all";

    private final String file;
    private final List<LimitEntry> entries;

    Limits(String file, List<LimitEntry> entries) {
        this.file = file;
        this.entries = List.copyOf(entries);
    }

    /** The file the entries come from, for messages; null without one. */
    String file() {
        return file;
    }

    public List<LimitEntry> entries() {
        return entries;
    }

    /** The entry that governs {@code user} on {@code database} (a real name or an alias). */
    public Optional<LimitEntry> bestRule(String user, String database) {
        LimitEntry best = null;
        for (LimitEntry entry : entries) {
            boolean databaseMatches = entry.database().equals(database) || entry.database().equals(ALL)
                    || entry.aliases().contains(database);
            boolean userMatches = entry.user().equals(user) || entry.user().equals(ALL);
            if (databaseMatches && userMatches && (best == null || rank(entry) > rank(best))) {
                best = entry;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int rank(LimitEntry entry) {
        return (entry.user().equals(ALL) ? 0 : 2) + (entry.database().equals(ALL) ? 0 : 1);
    }

    /**
     * The real database for a name a client sent: the database of the entry that has it as an alias and
     * whose user is {@code user} or {@code all}; otherwise the name itself.
     */
    public String resolveDatabase(String user, String database) {
        for (LimitEntry entry : entries) {
            if (entry.aliases().contains(database) && (entry.user().equals(user) || entry.user().equals(ALL))) {
                return entry.database();
            }
        }
        return database;
    }
}
