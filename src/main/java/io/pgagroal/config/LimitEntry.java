package io.pgagroal.config;

import java.util.List;

/**
 * One line of pgagroal_databases.conf, after {@code all} sizes are resolved and sizes normalised
 * (initial and min at most max; a non-zero initial at least min). {@code database} and {@code user} may
 * be {@code all}; {@code aliases} are other names clients may use for {@code database}.
 */
public record LimitEntry(String database, List<String> aliases, String user, int maxSize, int initialSize,
                         int minSize, int line) {

    public LimitEntry {
        aliases = List.copyOf(aliases);
    }
}
