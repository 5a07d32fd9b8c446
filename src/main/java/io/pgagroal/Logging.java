package io.pgagroal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.pgagroal.config.LogMode;
import io.pgagroal.config.MainConfig;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for the daemon from pgagroal.conf (log_type, log_level, log_path, log_mode).
 * An embedding program keeps its own logging configuration; only {@link Main} calls this.
 */
final class Logging {

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-5level %logger{0}: %msg%n";

    private Logging() {
    }

    static void configure(MainConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = switch (config.logType()) {
            case FILE -> {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(config.logPath());
                file.setAppend(config.logMode() != LogMode.CREATE);
                yield file;
            }
            case CONSOLE, SYSLOG -> new ConsoleAppender<>();
        };
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(level(config));
        context.getLogger("io.netty").setLevel(Level.WARN);
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
