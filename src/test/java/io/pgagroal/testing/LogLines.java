package io.pgagroal.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines logged under a logger (and its children) while attached, for tests that check the log. */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    private LogLines(String name) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        lines.setContext(logger.getLoggerContext());
        lines.start();
        logger.addAppender(lines);
    }

    public static LogLines capture(String loggerName) {
        return new LogLines(loggerName);
    }

    /** Waits up to 5 s for a line of this level whose message starts with {@code start}, and returns the message. */
    public String await(Level level, String start) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<ILoggingEvent> events;
            synchronized (lines) {
                events = List.copyOf(lines.list);
            }
            for (ILoggingEvent event : events) {
                if (event.getLevel() == level && event.getFormattedMessage().startsWith(start)) {
                    return event.getFormattedMessage();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + level + " line starting with " + start);
    }

    @Override
    public void close() {
        logger.detachAppender(lines);
        lines.stop();
    }
}
