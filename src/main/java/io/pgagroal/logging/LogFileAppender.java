package io.pgagroal.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * log_type = file (spec §11): log_path is expanded with strftime each time the file is opened, in
 * append or create mode. Rotation closes the file and opens a freshly expanded log_path once this open
 * has written log_rotation_size bytes or is log_rotation_age old, so it only starts a new file when the
 * path has time fields. Counting the bytes of this open (not the file's size) keeps a path without time
 * fields from being reopened after every line. Logback's RollingFileAppender renames files instead,
 * which is not what pgagroal does.
 */
final class LogFileAppender extends OutputStreamAppender<ILoggingEvent> {

    /** The file when log_path expands to nothing (spec §11); rotation is then off. */
    static final String FALLBACK = "pgagroal.log";

    private final Strftime path;
    private final boolean append;
    private final long rotationSize;
    private final Duration rotationAge;
    private final Clock clock;
    private String file;
    private boolean rotates;
    private long written;
    private long openedAt;

    LogFileAppender(String logPath, boolean append, long rotationSize, Duration rotationAge, Clock clock) {
        this.path = Strftime.compile(logPath);
        this.append = append;
        this.rotationSize = rotationSize;
        this.rotationAge = rotationAge;
        this.clock = clock;
    }

    /** Opens the file; a file that cannot be opened is an error of the configuration, not a silent loss. */
    @Override
    public void start() {
        try {
            open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the log file " + path.format(ZonedDateTime.now(clock)) + ": " + e, e);
        }
        super.start();
    }

    /** Opens the freshly expanded path; on failure the current file stays open and in use. */
    private void open() throws IOException {
        String name = path.format(ZonedDateTime.now(clock));
        String next = name.isEmpty() ? FALLBACK : name;
        Path parent = Path.of(next).toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileOutputStream stream = new FileOutputStream(next, append);
        file = next;
        rotates = !name.isEmpty() && (rotationSize > 0 || rotationAge.isPositive());
        written = 0;
        openedAt = clock.millis();
        setOutputStream(stream);
    }

    /** Called after each line, under the appender's write lock. */
    @Override
    protected void updateByteCount(byte[] bytes) {
        if (!rotates) {
            return;
        }
        written += bytes.length;
        boolean full = rotationSize > 0 && written >= rotationSize;
        boolean old = rotationAge.isPositive() && clock.millis() - openedAt >= rotationAge.toMillis();
        if (full || old) {
            try {
                open();
            } catch (IOException e) {
                addError("Cannot open the next log file; still writing " + file, e);
                written = 0;
                openedAt = clock.millis();
            }
        }
    }
}
