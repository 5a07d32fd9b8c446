package io.pgagroal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.pgagroal.config.MainConfig;
import io.pgagroal.logging.LogOutput;
import io.pgagroal.logging.RepeatedWarnings;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for the daemon from pgagroal.conf (log_type, log_level, log_path, log_mode,
 * rotation, log_line_prefix) and keeps identical warnings from flooding the log. It may be called
 * again with a reloaded configuration: the level is set at once, and a new appender replaces the old
 * one only when the output settings changed, so an unchanged log file is not reopened (or truncated).
 * An embedding program keeps its own logging configuration; only {@link Main} calls this.
 *
 * <p>A log file that cannot be opened throws {@link java.io.UncheckedIOException} and leaves the
 * current output in place.
 */
final class Logging {

    /** At most this many identical warnings per window, then one line with the count. */
    static final int BURST = 5;
    static final long WINDOW_MILLIS = 10_000;

    private static LogOutput applied;

    private Logging() {
    }

    static synchronized void configure(MainConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> current = root.getAppender(LogOutput.APPENDER_NAME);
        if (current == null) {
            context.reset();
            RepeatedWarnings repeated = new RepeatedWarnings(BURST, WINDOW_MILLIS, System::currentTimeMillis);
            repeated.setContext(context);
            repeated.start();
            context.addTurboFilter(repeated);
        }
        root.setLevel(level(config));
        context.getLogger("io.netty").setLevel(Level.WARN);
        LogOutput wanted = LogOutput.of(config);
        if (current != null && wanted.equals(applied)) {
            return;
        }
        boolean sameFile = current != null && applied != null && wanted.type() == applied.type() && wanted.path().equals(applied.path());
        root.addAppender((sameFile ? wanted.appending() : wanted).start(context));
        if (current != null) {
            root.detachAppender(current);
            current.stop();
        }
        applied = wanted;
    }

    /** Runs {@code action} with only errors logged: the warm-up's pooler says nothing of itself. */
    static <T> T quietly(Callable<T> action) throws Exception {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.ERROR);
        try {
            return action.call();
        } finally {
            root.setLevel(level);
        }
    }

    private static Level level(MainConfig config) {
        return switch (config.logLevel()) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR, FATAL -> Level.ERROR;
        };
    }
}
