package io.pgagroal.config;

/** How the log file is opened ({@code log_mode}). */
public enum LogMode {
    APPEND, CREATE;

    /** Accepts {@code append}, {@code create} and their one-letter forms {@code a} and {@code c}. */
    static LogMode fromConfig(String text) {
        return text.startsWith("a") ? APPEND : CREATE;
    }
}
