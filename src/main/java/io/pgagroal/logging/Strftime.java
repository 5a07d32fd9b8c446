package io.pgagroal.logging;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * A strftime(3) pattern (log_line_prefix, log_path) compiled once into a {@link DateTimeFormatter},
 * in the C locale. Supported conversions: {@code %Y %y %m %d %e %H %I %M %S %p %j %a %A %b %h %B
 * %z %Z %F %T %D %R %u %n %t %%}. Any other conversion is kept as written, so an unsupported one shows
 * up in the output instead of vanishing.
 */
public final class Strftime {

    private final DateTimeFormatter formatter;

    private Strftime(DateTimeFormatter formatter) {
        this.formatter = formatter;
    }

    public static Strftime compile(String pattern) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                builder.appendLiteral(c);
                continue;
            }
            char conversion = pattern.charAt(++i);
            if (!append(builder, conversion)) {
                builder.appendLiteral("%" + conversion);
            }
        }
        return new Strftime(builder.toFormatter(Locale.US));
    }

    private static boolean append(DateTimeFormatterBuilder builder, char conversion) {
        switch (conversion) {
            case 'Y' -> builder.appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL);
            case 'y' -> builder.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
            case 'm' -> builder.appendValue(ChronoField.MONTH_OF_YEAR, 2);
            case 'd' -> builder.appendValue(ChronoField.DAY_OF_MONTH, 2);
            case 'e' -> builder.padNext(2).appendValue(ChronoField.DAY_OF_MONTH);
            case 'H' -> builder.appendValue(ChronoField.HOUR_OF_DAY, 2);
            case 'I' -> builder.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
            case 'M' -> builder.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
            case 'S' -> builder.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
            case 'p' -> builder.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
            case 'j' -> builder.appendValue(ChronoField.DAY_OF_YEAR, 3);
            case 'a' -> builder.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
            case 'A' -> builder.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
            case 'b', 'h' -> builder.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
            case 'B' -> builder.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
            case 'z' -> builder.appendOffset("+HHMM", "+0000");
            case 'Z' -> builder.appendZoneText(TextStyle.SHORT);
            case 'u' -> builder.appendValue(ChronoField.DAY_OF_WEEK, 1);
            case 'F' -> builder.appendPattern("uuuu-MM-dd");
            case 'T' -> builder.appendPattern("HH:mm:ss");
            case 'D' -> builder.appendPattern("MM/dd/uu");
            case 'R' -> builder.appendPattern("HH:mm");
            case 'n' -> builder.appendLiteral('\n');
            case 't' -> builder.appendLiteral('\t');
            case '%' -> builder.appendLiteral('%');
            default -> {
                return false;
            }
        }
        return true;
    }

    public String format(ZonedDateTime time) {
        return formatter.format(time);
    }
}
