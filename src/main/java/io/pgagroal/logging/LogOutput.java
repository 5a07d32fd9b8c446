package io.pgagroal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.pgagroal.config.LogMode;
import io.pgagroal.config.LogType;
import io.pgagroal.config.MainConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Where the log goes and how its lines look: the settings that need a new appender when they change
 * (a change of log_level alone does not). Syslog goes to the local socket /dev/log
 * ({@link DevLogAppender}; the system property {@code pgagroal.syslog.socket} names another), or
 * over UDP to {@code pgagroal.syslog.host}:{@code pgagroal.syslog.port} (default 127.0.0.1:514)
 * when either of those two properties is set.
 */
public record LogOutput(LogType type, String path, boolean append, long rotationSize, Duration rotationAge,
                        String linePrefix) {

    public static final String APPENDER_NAME = "pgagroal";

    public static LogOutput of(MainConfig config) {
        return new LogOutput(config.logType(), config.logPath(), config.logMode() == LogMode.APPEND,
                config.logRotationSize(), config.logRotationAge(), config.logLinePrefix());
    }

    /** The same output opened in append mode: a reload reopening the file it writes keeps what it holds (log_mode = create truncates only at start). */
    public LogOutput appending() {
        return new LogOutput(type, path, true, rotationSize, rotationAge, linePrefix);
    }

    /** A started appender named {@value #APPENDER_NAME}. */
    public Appender<ILoggingEvent> start(LoggerContext context) {
        Appender<ILoggingEvent> appender = switch (type) {
            case CONSOLE -> withLines(new ConsoleAppender<>(), context);
            case FILE -> withLines(new LogFileAppender(path, append, rotationSize, rotationAge, Clock.systemDefaultZone()), context);
            case SYSLOG -> syslog();
        };
        appender.setName(APPENDER_NAME);
        appender.setContext(context);
        appender.start();
        return appender;
    }

    private OutputStreamAppender<ILoggingEvent> withLines(OutputStreamAppender<ILoggingEvent> appender, LoggerContext context) {
        appender.setEncoder(LineLayout.encoder(linePrefix, context));
        return appender;
    }

    /** Ident pgagroal with the pid, facility USER; ERROR, WARN, INFO, DEBUG/TRACE become err, warning, info, debug. */
    private static Appender<ILoggingEvent> syslog() {
        if (System.getProperty("pgagroal.syslog.host") == null && System.getProperty("pgagroal.syslog.port") == null) {
            return new DevLogAppender(Path.of(System.getProperty("pgagroal.syslog.socket", "/dev/log")));
        }
        SyslogAppender syslog = new SyslogAppender();
        syslog.setFacility("USER");
        syslog.setSyslogHost(System.getProperty("pgagroal.syslog.host", "127.0.0.1"));
        syslog.setPort(Integer.getInteger("pgagroal.syslog.port", 514));
        syslog.setSuffixPattern("pgagroal[" + ProcessHandle.current().pid() + "]: %logger{0}: %msg");
        return syslog;
    }
}
