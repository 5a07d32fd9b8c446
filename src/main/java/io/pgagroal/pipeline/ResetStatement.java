package io.pgagroal.pipeline;

/**
 * A statement the pooler may have to replace, as {@link StatementLexer} found it: one that returns
 * run-time parameters to their reset values ({@code RESET name}, {@code RESET ALL}, {@code SET
 * [SESSION | LOCAL] name TO DEFAULT} and its spellings ({@code = DEFAULT}, {@code TIME ZONE DEFAULT
 * | LOCAL}, {@code NAMES DEFAULT}), or {@code DISCARD ALL}), or {@code DEALLOCATE [PREPARE] name} of
 * one statement (a statement the transaction pipeline prepared under another name on the server).
 * Only a statement made of nothing else is found (a misspelt one is left to PostgreSQL to refuse).
 *
 * @param statement its index among the statements of the text (empty statements not counted): its
 *     CommandComplete is the statement-th of the text's results
 * @param start where it starts in the buffer the text was read from
 * @param end where it ends: its {@code ;} or the end of the text
 * @param kind what it resets
 * @param parameter the parameter, as written (dotted for a custom one); null for ALL and DISCARD
 *     ALL; for DEALLOCATE the statement's name, as PostgreSQL reads the identifier
 * @param local SET LOCAL: the reset lasts until the end of the transaction
 * @param tag the command tag PostgreSQL answers it with
 * @param alone it is the text's only statement
 */
record ResetStatement(int statement, int start, int end, Kind kind, String parameter, boolean local, String tag, boolean alone) {

    enum Kind { PARAMETER, ALL, DISCARD_ALL, DEALLOCATE }

    ResetStatement alone(boolean alone) {
        return new ResetStatement(statement, start, end, kind, parameter, local, tag, alone);
    }
}
