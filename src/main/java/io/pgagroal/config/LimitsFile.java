package io.pgagroal.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * pgagroal_databases.conf (spec §3.2): {@code DATABASE[=alias,...] USER MAX_SIZE [INITIAL_SIZE [MIN_SIZE]]}
 * per line, {@code #} starts a comment, blanks are allowed around {@code =} and {@code ,}.
 *
 * <p>A size of {@code all} is what max_connections leaves after the earlier lines, which is why the file
 * is read in order and keeps a running total. Names are checked as they come: an alias may not repeat
 * within its line, appear on another line, or equal any database name, because a client name must lead
 * to exactly one database. Every problem is an error with its line; out-of-order sizes are corrected
 * with a warning, as upstream does.
 */
final class LimitsFile {

    private static final String ALL = "all";

    private final Source source;
    private final int maxConnections;
    private final Set<String> users;
    private final Warnings warnings;
    private final Map<String, Integer> databaseLines = new HashMap<>();
    private final Map<String, Integer> aliasLines = new HashMap<>();
    private int assigned;

    private LimitsFile(Source source, int maxConnections, Set<String> users, Warnings warnings) {
        this.source = source;
        this.maxConnections = maxConnections;
        this.users = users;
        this.warnings = warnings;
    }

    /** @param users the user names of the users file: prefilling (initial or min size) needs a password */
    static Limits read(Source source, int maxConnections, Set<String> users, Warnings warnings)
            throws ConfigException {
        LimitsFile file = new LimitsFile(source, maxConnections, users, warnings);
        List<LimitEntry> entries = new ArrayList<>();
        for (int i = 0; i < source.lines().size(); i++) {
            String text = HbaFile.withoutComment(source.lines().get(i)).strip().replaceAll("\\s*([=,])\\s*", "$1");
            if (!text.isEmpty()) {
                entries.add(file.entry(i + 1, text.split("\\s+")));
            }
        }
        return new Limits(source.name(), entries);
    }

    private LimitEntry entry(int line, String[] columns) throws ConfigException {
        if (columns.length < 3 || columns.length > 5) {
            throw error(line, null, "expected DATABASE[=ALIAS,...] USER MAX_SIZE [INITIAL_SIZE [MIN_SIZE]], found "
                    + columns.length + " columns");
        }
        String[] names = columns[0].split("=", -1);
        String database = names[0];
        List<String> aliases = names.length > 1 ? List.of(names[1].split(",", -1)) : List.of();
        String user = columns[1];
        checkNames(line, names.length, database, aliases);

        int remaining = maxConnections - assigned;
        int maxSize = size(line, "max_size", columns[2], remaining);
        if (maxSize == 0) {
            throw error(line, "max_size", columns[2].equals(ALL)
                    ? "all leaves no connection: the earlier lines use all " + maxConnections + " (max_connections)"
                    : "must be greater than 0");
        }
        int initialSize = columns.length > 3 ? size(line, "initial_size", columns[3], remaining) : 0;
        int minSize = columns.length > 4 ? size(line, "min_size", columns[4], remaining) : 0;
        if (initialSize > maxSize) {
            warnings.add(source.name(), line, "initial_size",
                    initialSize + " is greater than max_size " + maxSize + ", using " + maxSize);
            initialSize = maxSize;
        }
        if (minSize > maxSize) {
            warnings.add(source.name(), line, "min_size",
                    minSize + " is greater than max_size " + maxSize + ", using " + maxSize);
            minSize = maxSize;
        }
        if (initialSize > 0 && initialSize < minSize) {
            warnings.add(source.name(), line, "initial_size",
                    initialSize + " is smaller than min_size " + minSize + ", using " + minSize);
            initialSize = minSize;
        }
        if ((initialSize > 0 || minSize > 0) && !users.contains(user)) {
            throw error(line, "user", "\"" + user + "\" is not in the users file, which prefilling connections"
                    + " (initial_size or min_size above 0) needs");
        }
        assigned += maxSize;
        if (assigned > maxConnections) {
            throw error(line, "max_size", "the lines up to here use " + assigned
                    + " connections, more than max_connections (" + maxConnections + ")");
        }
        return new LimitEntry(database, aliases, user, maxSize, initialSize, minSize, line);
    }

    private void checkNames(int line, int parts, String database, List<String> aliases) throws ConfigException {
        if (parts > 2) {
            throw error(line, "database", "more than one '='");
        }
        if (database.isEmpty()) {
            throw error(line, "database", "missing database name");
        }
        if (parts == 2 && database.equals(ALL)) {
            throw error(line, "database", "all cannot have aliases");
        }
        Integer aliasLine = aliasLines.get(database);
        if (aliasLine != null) {
            throw error(line, "database", "\"" + database + "\" is an alias at line " + aliasLine);
        }
        databaseLines.putIfAbsent(database, line);
        Set<String> seen = new HashSet<>();
        for (String alias : aliases) {
            if (alias.isEmpty()) {
                throw error(line, "database", "empty alias");
            }
            if (!seen.add(alias)) {
                throw error(line, "database", "alias \"" + alias + "\" is listed twice");
            }
            Integer other = databaseLines.get(alias);
            if (other != null) {
                throw error(line, "database", "alias \"" + alias + "\" is the database name at line " + other);
            }
            other = aliasLines.putIfAbsent(alias, line);
            if (other != null) {
                throw error(line, "database", "alias \"" + alias + "\" is already an alias at line " + other);
            }
        }
    }

    private int size(int line, String column, String text, int remaining) throws ConfigException {
        if (text.equals(ALL)) {
            return Math.max(remaining, 0);
        }
        int size;
        try {
            size = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw error(line, column, "\"" + text + "\" is not a number or all");
        }
        if (size < 0) {
            throw error(line, column, "\"" + text + "\" must not be negative");
        }
        return size;
    }

    private ConfigException error(int line, String column, String problem) {
        return new ConfigException(source.name(), line, column, problem);
    }
}
