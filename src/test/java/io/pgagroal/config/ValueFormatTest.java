package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueFormatTest {

    @ParameterizedTest
    @CsvSource({"0,0", "10,10", "10s,10", "10S,10", "2m,120", "2M,120", "3h,10800", "1d,86400", "2w,1209600"})
    void durations(String text, long seconds) {
        assertThat(ValueFormat.duration(0).parse(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "10x", "s", "1.5", "10 s", "1h30m", "99999999999999999999"})
    void badDurations(String text) {
        assertThatThrownBy(() -> ValueFormat.duration(0).parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining('"' + text + '"');
    }

    @Test
    void durationBelowMinimum() {
        assertThatThrownBy(() -> ValueFormat.duration(5).parse("4"))
                .hasMessage("\"4\" is out of range (must be at least 5 s)");
    }

    @ParameterizedTest
    @CsvSource({"100,100", "100b,100", "100B,100", "1k,1024", "1kb,1024", "1KB,1024", "2m,2097152", "2MB,2097152",
            "1g,1073741824", "1gb,1073741824"})
    void sizes(String text, long bytes) {
        assertThat(ValueFormat.size(Long.MAX_VALUE).parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1t", "k", "-1k", "1kk", "1 k", "1bb"})
    void badSizes(String text) {
        assertThatThrownBy(() -> ValueFormat.size(Long.MAX_VALUE).parse(text))
                .hasMessageContaining("is not a size");
    }

    @Test
    void sizeAboveMaximum() {
        assertThatThrownBy(() -> ValueFormat.size(1 << 20).parse("2m"))
                .hasMessage("\"2m\" is out of range (must be between 0 and 1048576 bytes)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "ON", "yes", "Yes", "true", "TRUE", "1"})
    void trueValues(String text) {
        assertThat(ValueFormat.bool().parse(text)).isEqualTo(true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "OFF", "no", "No", "false", "False", "0"})
    void falseValues(String text) {
        assertThat(ValueFormat.bool().parse(text)).isEqualTo(false);
    }

    @Test
    void badBoolean() {
        assertThatThrownBy(() -> ValueFormat.bool().parse("enabled"))
                .hasMessage("\"enabled\" is not a boolean (on/off, yes/no, true/false, 1/0)");
    }

    @Test
    void integers() {
        ValueFormat port = ValueFormat.integer(1, 65535);
        assertThat(port.parse("5432")).isEqualTo(5432);
        assertThatThrownBy(() -> port.parse("abc")).hasMessage("\"abc\" is not an integer");
        assertThatThrownBy(() -> port.parse("0")).hasMessage("\"0\" is out of range (must be between 1 and 65535)");
        assertThatThrownBy(() -> port.parse("70000")).hasMessageContaining("out of range");
        assertThat(ValueFormat.integer(Integer.MIN_VALUE, Integer.MAX_VALUE).parse("-1")).isEqualTo(-1);
        assertThatThrownBy(() -> ValueFormat.integer(Integer.MIN_VALUE, Integer.MAX_VALUE).parse("99999999999"))
                .hasMessage("\"99999999999\" is too large");
    }

    @Test
    void choicesIgnoreCaseAndListTheAllowedValues() {
        ValueFormat format = ValueFormat.choice("console", "file", "syslog");
        assertThat(format.parse("SysLog")).isEqualTo("syslog");
        assertThatThrownBy(() -> format.parse("stderr"))
                .hasMessage("\"stderr\" is not one of console, file, syslog");
    }

    @Test
    void emptyStringsAreUnsetButOtherEmptyValuesAreErrors() {
        assertThat(ValueFormat.string().parse("")).isNull();
        assertThat(ValueFormat.path().parse("")).isNull();
        assertThatThrownBy(() -> ValueFormat.integer(0, 10).parse("")).hasMessage("missing value");
        assertThatThrownBy(() -> ValueFormat.bool().parse("")).hasMessage("missing value");
    }
}
