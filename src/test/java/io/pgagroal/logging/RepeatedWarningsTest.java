package io.pgagroal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {

    private final LoggerContext context = TestContexts.create();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RepeatedWarnings filter = new RepeatedWarnings(5, 10_000, now::get);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger log;

    @BeforeEach
    void setUp() {
        filter.setContext(context);
        context.addTurboFilter(filter);
        lines.setContext(context);
        lines.start();
        log = context.getLogger("io.pgagroal.session.Flow");
        log.addAppender(lines);
        log.setLevel(Level.DEBUG);
    }

    @Test
    void theFirstFewOfAWindowAreLoggedThenOneLineWithTheCount() {
        for (int i = 0; i < 100; i++) {
            log.warn("Could not connect to server {}: {}", "primary", "Connection refused");
        }
        assertThat(lines.list).hasSize(5)
                .allMatch(e -> e.getFormattedMessage().equals("Could not connect to server primary: Connection refused"));
        filter.endWindows();
        assertThat(lines.list).hasSize(5);
        now.addAndGet(10_000);
        filter.endWindows();
        assertThat(lines.list).hasSize(6);
        assertThat(lines.list.get(5).getLevel()).isEqualTo(Level.WARN);
        assertThat(lines.list.get(5).getFormattedMessage())
                .isEqualTo("Could not connect to server primary: Connection refused (repeated 95 more times in 10 s)");
        log.warn("Could not connect to server {}: {}", "primary", "Connection refused");
        assertThat(lines.list).hasSize(7);
    }

    @Test
    void differentTextsAndOtherLevelsAreNotLimited() {
        for (int i = 0; i < 20; i++) {
            log.warn("Could not connect to server {}: {}", "primary", "attempt " + i);
            log.info("connect: refused user=app");
        }
        assertThat(lines.list).hasSize(40);
        now.addAndGet(10_000);
        filter.endWindows();
        assertThat(lines.list).hasSize(40);
    }
}
