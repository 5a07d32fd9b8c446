package io.pgagroal.protocol;

import java.util.Map;

/**
 * The fields of an ErrorResponse or NoticeResponse ("Error and Notice Message Fields"), by field
 * type, in the order they were sent. Field types this version does not know are kept as they are.
 * Accessors of optional fields return null when the field is absent.
 */
public sealed interface ErrorOrNotice permits ErrorResponse, NoticeResponse {

    char SEVERITY = 'S';
    char SEVERITY_NON_LOCALIZED = 'V';
    char CODE = 'C';
    char MESSAGE = 'M';
    char DETAIL = 'D';
    char HINT = 'H';
    char POSITION = 'P';
    char INTERNAL_POSITION = 'p';
    char INTERNAL_QUERY = 'q';
    char WHERE = 'W';
    char SCHEMA_NAME = 's';
    char TABLE_NAME = 't';
    char COLUMN_NAME = 'c';
    char DATA_TYPE_NAME = 'd';
    char CONSTRAINT_NAME = 'n';
    char FILE = 'F';
    char LINE = 'L';
    char ROUTINE = 'R';

    /** Every field, by field type, in the order received; unmodifiable. */
    Map<Character, String> fields();

    /**
     * The severity, not localized (V) when present, otherwise the possibly localized S (servers
     * before 9.6 send only S): ERROR, FATAL or PANIC in an error; WARNING, NOTICE, DEBUG, INFO or LOG
     * in a notice.
     */
    String severity();

    /** The severity, possibly localized (S). */
    default String localizedSeverity() {
        return fields().get(SEVERITY);
    }

    /** The SQLSTATE code for the error (C); empty when absent. */
    default String code() {
        return fields().getOrDefault(CODE, "");
    }

    /** The primary human-readable error message (M); empty when absent. */
    default String message() {
        return fields().getOrDefault(MESSAGE, "");
    }

    /** An optional secondary error message carrying more detail about the problem (D). */
    default String detail() {
        return fields().get(DETAIL);
    }

    /** An optional suggestion what to do about the problem (H). */
    default String hint() {
        return fields().get(HINT);
    }

    /** The error cursor position as a decimal index into the original query string, in characters from 1 (P). */
    default String position() {
        return fields().get(POSITION);
    }

    /** The cursor position into an internally generated command (p). */
    default String internalPosition() {
        return fields().get(INTERNAL_POSITION);
    }

    /** The text of a failed internally generated command (q). */
    default String internalQuery() {
        return fields().get(INTERNAL_QUERY);
    }

    /** The context in which the error occurred, such as a call stack traceback (W). */
    default String where() {
        return fields().get(WHERE);
    }

    /** The name of the schema of the object the error is associated with (s). */
    default String schemaName() {
        return fields().get(SCHEMA_NAME);
    }

    /** The name of the table the error is associated with (t). */
    default String tableName() {
        return fields().get(TABLE_NAME);
    }

    /** The name of the table column the error is associated with (c). */
    default String columnName() {
        return fields().get(COLUMN_NAME);
    }

    /** The name of the data type the error is associated with (d). */
    default String dataTypeName() {
        return fields().get(DATA_TYPE_NAME);
    }

    /** The name of the constraint the error is associated with (n). */
    default String constraintName() {
        return fields().get(CONSTRAINT_NAME);
    }

    /** The file name of the source-code location where the error was reported (F). */
    default String file() {
        return fields().get(FILE);
    }

    /** The line number of the source-code location where the error was reported (L). */
    default String line() {
        return fields().get(LINE);
    }

    /** The name of the source-code routine reporting the error (R). */
    default String routine() {
        return fields().get(ROUTINE);
    }
}
