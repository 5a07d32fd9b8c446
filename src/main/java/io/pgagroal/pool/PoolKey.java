package io.pgagroal.pool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What makes two clients able to share a server connection: the same user, the same real database
 * (aliases resolved) and the same startup parameters. Parameters are part of the key, rather than
 * re-applied on checkout, because PostgreSQL's DISCARD ALL resets every setting to the values of
 * the connection's own StartupMessage: a pooled connection therefore always matches the
 * ParameterStatus messages cached when it was created, and handing it out costs no round trip
 * (doc/ARCHITECTURE.md, "Startup parameters").
 */
public record PoolKey(String user, String database, SortedMap<String, String> parameters) {

    public PoolKey {
        parameters = parameters.isEmpty() ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    /**
     * @param startupParameters the client's StartupMessage parameters; user and database are taken
     *     out, the rest kept
     */
    public static PoolKey of(String user, String realDatabase, Map<String, String> startupParameters) {
        TreeMap<String, String> rest = new TreeMap<>(startupParameters);
        rest.remove("user");
        rest.remove("database");
        return new PoolKey(user, realDatabase, rest);
    }

    /** A key with no startup parameters: the key of prefilled connections, which clients adopt. */
    public boolean isBase() {
        return parameters.isEmpty();
    }

    /** The key of the base connections this key's clients may adopt. */
    public PoolKey base() {
        return new PoolKey(user, database, Collections.emptySortedMap());
    }

    /**
     * The parameters as settings a SET can apply to a base connection: every parameter, with
     * {@code options} split into its {@code -c name=value} and {@code --name=value} switches.
     *
     * @return empty when {@code options} holds anything else (a base connection cannot take it)
     */
    public Optional<Map<String, String>> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (!parameter.getKey().equals("options")) {
                settings.put(parameter.getKey(), parameter.getValue());
            } else if (!CommandLineOptions.settings(parameter.getValue(), settings)) {
                return Optional.empty();
            }
        }
        return Optional.of(settings);
    }

    @Override
    public String toString() {
        return user + "@" + database + (parameters.isEmpty() ? "" : " " + parameters);
    }
}
