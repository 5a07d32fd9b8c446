package io.pgagroal.config;

import io.pgagroal.config.Setting.Type;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of a setting becomes a value, and which values are allowed. The parser, the
 * documentation and {@code conf set} all read these facts from {@link Setting}, so a range or a unit is
 * written down once. A bad value is reported with {@link IllegalArgumentException}; the file readers add
 * the file, line and key.
 */
record ValueFormat(Type type, String unit, long min, long max, List<String> choices) {

    static final boolean RELOAD = true;
    static final boolean RESTART = false;

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhdw]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)b?", Pattern.CASE_INSENSITIVE);

    static ValueFormat string() {
        return new ValueFormat(Type.STRING, "", 0, 0, List.of());
    }

    static ValueFormat path() {
        return new ValueFormat(Type.PATH, "", 0, 0, List.of());
    }

    static ValueFormat bool() {
        return new ValueFormat(Type.BOOL, "", 0, 0, List.of());
    }

    static ValueFormat integer(long min, long max) {
        return new ValueFormat(Type.INT, "", min, max, List.of());
    }

    static ValueFormat duration(long minSeconds) {
        return new ValueFormat(Type.DURATION, "s", minSeconds, Integer.MAX_VALUE, List.of());
    }

    static ValueFormat size(long maxBytes) {
        return new ValueFormat(Type.SIZE, "bytes", 0, maxBytes, List.of());
    }

    static ValueFormat choice(String... values) {
        return new ValueFormat(Type.ENUM, "", 0, 0, List.of(values));
    }

    /**
     * The typed value: String (STRING, PATH, and ENUM in lower case), Integer, Boolean, Duration or
     * Long (bytes). An empty STRING or PATH means "not set" and gives {@code null}.
     */
    Object parse(String text) {
        if (text.isEmpty()) {
            if (type == Type.STRING || type == Type.PATH) {
                return null;
            }
            throw new IllegalArgumentException("missing value");
        }
        return switch (type) {
            case STRING, PATH -> text;
            case BOOL -> parseBool(text);
            case INT -> (int) inRange(text, parseLong(text, "an integer"));
            case DURATION -> Duration.ofSeconds(inRange(text, parseDuration(text)));
            case SIZE -> inRange(text, parseSize(text));
            case ENUM -> parseChoice(text);
        };
    }

    private static boolean parseBool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true", "1" -> true;
            case "off", "no", "false", "0" -> false;
            default -> throw new IllegalArgumentException(
                    quote(text) + " is not a boolean (on/off, yes/no, true/false, 1/0)");
        };
    }

    private static long parseLong(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(quote(text) + " is not " + what);
        }
    }

    private static long parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    quote(text) + " is not a duration (digits with an optional s, m, h, d or w suffix)");
        }
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "m" -> 60;
            case "h" -> 3_600;
            case "d" -> 86_400;
            case "w" -> 604_800;
            default -> 1;
        };
        return scaled(text, m.group(1), factor);
    }

    private static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    quote(text) + " is not a size (digits with an optional b, k, m or g suffix)");
        }
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1;
        };
        return scaled(text, m.group(1), factor);
    }

    private static long scaled(String text, String digits, long factor) {
        try {
            return Math.multiplyExact(Long.parseLong(digits), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(quote(text) + " is too large");
        }
    }

    private long inRange(String text, long value) {
        boolean unbounded = max >= Integer.MAX_VALUE;
        if (value > max && unbounded) {
            throw new IllegalArgumentException(quote(text) + " is too large");
        }
        if (value < min || value > max) {
            String suffix = unit.isEmpty() ? "" : " " + unit;
            String range = unbounded ? "at least " + min + suffix : "between " + min + " and " + max + suffix;
            throw new IllegalArgumentException(quote(text) + " is out of range (must be " + range + ")");
        }
        return value;
    }

    private String parseChoice(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        if (!choices.contains(value)) {
            throw new IllegalArgumentException(quote(text) + " is not one of " + String.join(", ", choices));
        }
        return value;
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }
}
