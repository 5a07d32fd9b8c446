package io.pgagroal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileAppenderTest {

    private final LoggerContext context = TestContexts.create();

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-03-07T14:05:09Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private LogFileAppender appender(String path, boolean append, long size, Duration age, Clock clock) {
        LogFileAppender appender = new LogFileAppender(dir.resolve(path).toString(), append, size, age, clock);
        appender.setEncoder(LineLayout.encoder("%H:%M:%S", context));
        appender.setContext(context);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        return appender;
    }

    private void log(LogFileAppender appender, String message) {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.pgagroal.session.Flow"), Level.WARN, message, null, null);
        appender.doAppend(event);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void linesHaveThePrefixTheLevelAndTheClass() throws IOException {
        LogFileAppender appender = appender("pgagroal.log", true, 0, Duration.ZERO, new ManualClock());
        log(appender, "hello");
        appender.stop();
        assertThat(Files.readString(dir.resolve("pgagroal.log"))).matches("\\d\\d:\\d\\d:\\d\\d WARN  Flow: hello\\R");
    }

    @Test
    void logPathIsExpandedWhenOpened() throws IOException {
        LogFileAppender appender = appender("pgagroal-%Y%m%d.log", true, 0, Duration.ZERO, new ManualClock());
        log(appender, "one");
        appender.stop();
        assertThat(files()).containsExactly(dir.resolve("pgagroal-20260307.log"));
    }

    @Test
    void sizeRotationOpensAFreshlyExpandedPath() throws IOException {
        ManualClock clock = new ManualClock();
        LogFileAppender appender = appender("log-%H%M%S.log", true, 100, Duration.ZERO, clock);
        for (int i = 0; i < 5; i++) {
            log(appender, "line " + i + " of a test that fills the file");
            clock.now = clock.now.plusSeconds(1);
        }
        appender.stop();
        assertThat(files()).containsExactly(dir.resolve("log-140509.log"), dir.resolve("log-140510.log"), dir.resolve("log-140512.log"));
        assertThat(Files.readAllLines(dir.resolve("log-140509.log"))).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("log-140510.log"))).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("log-140512.log"))).hasSize(1).allMatch(l -> l.contains("line 4"));
    }

    @Test
    void ageRotationOpensAFreshlyExpandedPath() throws IOException {
        ManualClock clock = new ManualClock();
        LogFileAppender appender = appender("log-%H%M.log", true, 0, Duration.ofSeconds(60), clock);
        log(appender, "first");
        clock.now = clock.now.plusSeconds(30);
        log(appender, "second");
        clock.now = clock.now.plusSeconds(40);
        log(appender, "third: the file is 70 s old after this line");
        log(appender, "fourth");
        appender.stop();
        assertThat(files()).containsExactly(dir.resolve("log-1405.log"), dir.resolve("log-1406.log"));
        assertThat(Files.readAllLines(dir.resolve("log-1405.log"))).hasSize(3);
        assertThat(Files.readAllLines(dir.resolve("log-1406.log"))).hasSize(1).allMatch(l -> l.endsWith("fourth"));
    }

    @Test
    void createModeTruncatesAndAppendModeKeeps() throws IOException {
        Files.writeString(dir.resolve("a.log"), "old\n");
        Files.writeString(dir.resolve("c.log"), "old\n");
        LogFileAppender append = appender("a.log", true, 0, Duration.ZERO, new ManualClock());
        LogFileAppender create = appender("c.log", false, 0, Duration.ZERO, new ManualClock());
        log(append, "new");
        log(create, "new");
        append.stop();
        create.stop();
        assertThat(Files.readAllLines(dir.resolve("a.log"))).hasSize(2).first().isEqualTo("old");
        assertThat(Files.readAllLines(dir.resolve("c.log"))).hasSize(1).allMatch(l -> l.endsWith("new"));
    }
}
