package io.pgagroal.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.time.ZoneId;

/**
 * One log line as pgagroal writes it (spec §11): the log_line_prefix expanded with strftime, the level
 * padded to 5, then the logger's class where the C code prints file:line, and the message. The prefix is
 * built by hand rather than by a Logback %d pattern because strftime literals would need Logback's
 * escaping; it is formatted at most once per second.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {

    private final Strftime prefix;
    private final ZoneId zone = ZoneId.systemDefault();
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix = "";

    LineLayout(String logLinePrefix) {
        this.prefix = Strftime.compile(logLinePrefix);
    }

    /** A started encoder writing lines of this layout, for a file or console appender. */
    static Encoder<ILoggingEvent> encoder(String logLinePrefix, Context context) {
        LineLayout layout = new LineLayout(logLinePrefix);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128).append(prefix(event.getTimeStamp()));
        if (!line.isEmpty() && line.charAt(line.length() - 1) != ' ') {
            line.append(' ');
        }
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        String logger = event.getLoggerName();
        line.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length())
                .append(": ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }

    private synchronized String prefix(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedPrefix = prefix.format(Instant.ofEpochSecond(second).atZone(zone));
            cachedSecond = second;
        }
        return cachedPrefix;
    }
}
