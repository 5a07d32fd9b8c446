package io.pgagroal.pipeline;

import java.util.List;

/**
 * What the statements of one Query or Parse do to the session beyond their transaction, as far as
 * {@link StatementLexer} can tell from their text.
 *
 * @param pin the first statement found that pins the client to its connection, or null
 * @param setsParameters a statement may change a run-time parameter for the session: SET or RESET
 *     (not SET LOCAL, SET TRANSACTION or SET CONSTRAINTS), set_config, SET SESSION CHARACTERISTICS,
 *     DISCARD ALL
 * @param dropsPreparedStatements DISCARD ALL or DEALLOCATE ALL: the connection's prepared statements
 *     are gone afterwards
 * @param databases the databases a DROP DATABASE, CREATE DATABASE or ALTER DATABASE names, as
 *     PostgreSQL would resolve the identifiers (unquoted ones in lower case); for CREATE DATABASE
 *     also its template (template1 when none is given)
 * @param resets the statements that return parameters to their reset values, in text order
 */
public record Classification(PinReason pin, boolean setsParameters, boolean dropsPreparedStatements, List<String> databases,
        List<ResetStatement> resets) {

    /** Nothing that outlives the transaction: most statements. */
    public static final Classification PLAIN = new Classification(null, false, false, List.of());

    public Classification {
        databases = List.copyOf(databases);
        resets = List.copyOf(resets);
    }

    Classification(PinReason pin, boolean setsParameters, boolean dropsPreparedStatements, List<String> databases) {
        this(pin, setsParameters, dropsPreparedStatements, databases, List.of());
    }
}
