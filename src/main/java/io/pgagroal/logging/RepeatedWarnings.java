package io.pgagroal.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps a burst of identical warnings (the same logger and text, e.g. "Could not connect to server"
 * a hundred times a second while PostgreSQL is down) from filling the log: in each window the first
 * {@code burst} occurrences of a text are logged, later ones are counted, and when the window ends one
 * line says how many were left out. Only WARN and ERROR lines are looked at, so other calls cost one
 * comparison.
 */
public final class RepeatedWarnings extends TurboFilter {

    private static final Marker SUMMARY = MarkerFactory.getMarker("PGAGROAL_REPEATED");

    private final int burst;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Occurrences> seen = new ConcurrentHashMap<>();
    private ScheduledExecutorService summaries;

    public RepeatedWarnings(int burst, long windowMillis, LongSupplier clock) {
        this.burst = burst;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    private static final class Occurrences {
        final Logger logger;
        final Level level;
        final String text;
        final long windowStart;
        int count;

        Occurrences(Logger logger, Level level, String text, long windowStart) {
            this.logger = logger;
            this.level = level;
            this.text = text;
            this.windowStart = windowStart;
        }
    }

    @Override
    public void start() {
        summaries = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pgagroal-repeated-warnings");
            thread.setDaemon(true);
            return thread;
        });
        summaries.scheduleWithFixedDelay(this::endWindows, windowMillis, windowMillis / 2, TimeUnit.MILLISECONDS);
        super.start();
    }

    @Override
    public void stop() {
        if (summaries != null) {
            summaries.shutdownNow();
        }
        super.stop();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || level.levelInt < Level.WARN_INT || marker == SUMMARY || format == null
                || !logger.isEnabledFor(level)) {
            return FilterReply.NEUTRAL;
        }
        String text = params == null || params.length == 0 ? format : MessageFormatter.arrayFormat(format, params).getMessage();
        long now = clock.getAsLong();
        int[] count = new int[1];
        seen.compute(logger.getName() + '\0' + text, (key, current) -> {
            Occurrences next = current == null || now - current.windowStart >= windowMillis && current.count <= burst
                    ? new Occurrences(logger, level, text, now)
                    : current;
            count[0] = ++next.count;
            return next;
        });
        return count[0] <= burst ? FilterReply.NEUTRAL : FilterReply.DENY;
    }

    /** Logs the count of every window that ended with left-out lines, and forgets quiet texts. */
    void endWindows() {
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<String, Occurrences>> i = seen.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Occurrences> entry = i.next();
            Occurrences occurrences = entry.getValue();
            if (now - occurrences.windowStart < windowMillis || !seen.remove(entry.getKey(), occurrences)) {
                continue;
            }
            int leftOut = occurrences.count - burst;
            if (leftOut > 0) {
                String line = occurrences.text + " (repeated " + leftOut + " more times in " + windowMillis / 1000 + " s)";
                if (occurrences.level == Level.ERROR) {
                    occurrences.logger.error(SUMMARY, line);
                } else {
                    occurrences.logger.warn(SUMMARY, line);
                }
            }
        }
    }
}
