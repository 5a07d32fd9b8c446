package io.pgagroal.config;

import java.util.Locale;

/** Log levels, lowest first. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, FATAL;

    /**
     * The level of a {@code log_level} value (already checked against the allowed values):
     * {@code debug} and {@code debug1} are DEBUG; {@code debug2} to {@code debug5} and {@code trace} are TRACE.
     */
    static LogLevel fromConfig(String text) {
        return switch (text) {
            case "debug", "debug1" -> DEBUG;
            case "debug2", "debug3", "debug4", "debug5", "trace" -> TRACE;
            default -> valueOf(text.toUpperCase(Locale.ROOT));
        };
    }
}
