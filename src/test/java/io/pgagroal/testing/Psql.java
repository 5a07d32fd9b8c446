package io.pgagroal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs SQL through {@code psql}, stopping at the first error. */
public final class Psql {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Psql() {
    }

    /**
     * Sends {@code sql} as one simple Query message ({@code psql -c}) and returns unaligned,
     * tuples-only output ({@code -At}): one row per line, columns separated by {@code |}.
     */
    public static ProcessResult query(Endpoint target, String sql) {
        return target.command(arguments(target, "-At", "-c", sql)).run(TIMEOUT);
    }

    /**
     * Runs {@code sql} as a script read from standard input, statement by statement, so that
     * statements that refuse to run inside a transaction block (CREATE DATABASE) may be mixed in.
     */
    public static ProcessResult script(Endpoint target, String sql) {
        return target.command(arguments(target, "-q", "-f", "-")).stdin(sql).run(TIMEOUT);
    }

    /**
     * Runs {@code sql} as a script read from standard input, with unaligned, tuples-only output and
     * this environment added (PGOPTIONS, PGCLIENTENCODING): the session a libpq user would start.
     */
    public static ProcessResult script(Endpoint target, Map<String, String> environment, String sql) {
        Command command = target.command(arguments(target, "-q", "-At", "-f", "-")).stdin(sql);
        environment.forEach(command::env);
        return command.run(TIMEOUT);
    }

    /**
     * As {@link #script(Endpoint, Map, String)}, but with the command tag of every statement that
     * returns no rows printed too (RESET, SET, BEGIN ...), as psql shows them.
     */
    public static ProcessResult scriptWithTags(Endpoint target, Map<String, String> environment, String sql) {
        Command command = target.command(arguments(target, "-At", "-f", "-")).stdin(sql);
        environment.forEach(command::env);
        return command.run(TIMEOUT);
    }

    private static List<String> arguments(Endpoint target, String... options) {
        List<String> command = new ArrayList<>(List.of(PgBinaries.tool("psql").toString(),
                "-X", "-v", "ON_ERROR_STOP=1"));
        command.addAll(target.libpqOptions());
        command.addAll(List.of(options));
        command.add(target.database());
        return command;
    }
}
