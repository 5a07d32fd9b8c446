package io.pgagroal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class StrftimeTest {

    private static final ZonedDateTime TIME = ZonedDateTime.of(2026, 3, 7, 14, 5, 9, 0, ZoneId.of("UTC"));

    private static String format(String pattern) {
        return Strftime.compile(pattern).format(TIME);
    }

    @Test
    void defaultPrefix() {
        assertThat(format("%Y-%m-%d %H:%M:%S")).isEqualTo("2026-03-07 14:05:09");
    }

    @Test
    void commonConversions() {
        assertThat(format("%a %A %b %h %B %e %j %y %I %p %u")).isEqualTo("Sat Saturday Mar Mar March  7 066 26 02 PM 6");
        assertThat(format("%F %T %D %R %z %Z %%")).isEqualTo("2026-03-07 14:05:09 03/07/26 14:05 +0000 UTC %");
    }

    @Test
    void literalsAndUnsupportedConversionsAreKept() {
        assertThat(format("pgagroal-%Y%m%d.log")).isEqualTo("pgagroal-20260307.log");
        assertThat(format("it's [%H] %Q 100%")).isEqualTo("it's [14] %Q 100%");
        assertThat(format("")).isEmpty();
    }
}
