package io.pgagroal.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The INI syntax of pgagroal.conf (spec §2.1), without any knowledge of what the keys mean.
 *
 * <p>Two value syntaxes exist because upstream has two. An ordinary value is one word or one quoted
 * string, optionally followed by a {@code #} or {@code ;} comment; anything else after it is an error
 * rather than silently dropped. A path value (log_path, unix_socket_dir, the TLS files, pidfile,
 * failover_script) is the rest of the line: quotes group and are removed, {@code \x} gives {@code x},
 * and {@code $NAME} is replaced by the environment variable (not inside single quotes). An undefined
 * variable is an error, because an empty expansion would point at another file than the one meant.
 */
final class Ini {

    record Entry(String key, String value, int line) {
    }

    /** A section and its entries in file order; a key set twice keeps its last value. */
    record Section(String name, int line, Map<String, Entry> entries) {
    }

    private final Source source;
    private final Function<String, String> environment;
    private final Warnings warnings;

    private Ini(Source source, Function<String, String> environment, Warnings warnings) {
        this.source = source;
        this.environment = environment;
        this.warnings = warnings;
    }

    static List<Section> parse(Source source, Function<String, String> environment, Warnings warnings)
            throws ConfigException {
        return new Ini(source, environment, warnings).sections();
    }

    private List<Section> sections() throws ConfigException {
        List<Section> sections = new ArrayList<>();
        Map<String, Section> byName = new HashMap<>();
        Section current = null;
        for (int i = 0; i < source.lines().size(); i++) {
            int line = i + 1;
            String text = source.lines().get(i).strip();
            if (text.isEmpty() || isComment(text)) {
                continue;
            }
            if (text.startsWith("[")) {
                current = new Section(sectionName(text, line), line, new LinkedHashMap<>());
                Section previous = byName.putIfAbsent(current.name(), current);
                if (previous != null) {
                    throw error(line, null, "section [" + current.name() + "] already defined at line "
                            + previous.line());
                }
                sections.add(current);
            } else {
                entry(current, text, line);
            }
        }
        return sections;
    }

    private void entry(Section section, String text, int line) throws ConfigException {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw error(line, null, "expected \"key = value\" or \"[section]\", found \"" + text + '"');
        }
        String key = text.substring(0, equals).strip();
        if (key.isEmpty()) {
            throw error(line, null, "missing key before '='");
        }
        String rest = text.substring(equals + 1);
        String value = Setting.isPathKey(key) ? pathValue(rest.strip(), line, key) : plainValue(rest, line, key);
        if (section == null) {
            warnings.add(source.name(), line, key, "outside of any section, ignored");
            return;
        }
        Entry previous = section.entries().put(key, new Entry(key, value, line));
        if (previous != null) {
            warnings.add(source.name(), line, key, "set again in [" + section.name() + "] (first at line "
                    + previous.line() + "), the last value wins");
        }
    }

    private String sectionName(String text, int line) throws ConfigException {
        int end = text.indexOf(']');
        if (end < 0) {
            throw error(line, null, "missing ']' in section header");
        }
        String rest = text.substring(end + 1).strip();
        if (!rest.isEmpty() && !isComment(rest)) {
            throw error(line, null, "unexpected text after section header: \"" + rest + '"');
        }
        String name = text.substring(1, end).strip();
        if (name.isEmpty()) {
            throw error(line, null, "empty section name");
        }
        return name;
    }

    private String plainValue(String rest, int line, String key) throws ConfigException {
        String text = rest.stripLeading();
        String value;
        String tail;
        char first = text.isEmpty() ? 0 : text.charAt(0);
        if (first == '"' || first == '\'') {
            int end = text.indexOf(first, 1);
            if (end < 0) {
                throw error(line, key, "unterminated quote");
            }
            value = text.substring(1, end);
            tail = text.substring(end + 1).strip();
        } else {
            int end = 0;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))
                    && text.charAt(end) != '#' && text.charAt(end) != ';') {
                end++;
            }
            value = text.substring(0, end);
            tail = text.substring(end).strip();
        }
        if (!tail.isEmpty() && !isComment(tail)) {
            throw error(line, key, "unexpected text after the value: \"" + tail + "\" (quote values that contain blanks)");
        }
        return value;
    }

    private String pathValue(String text, int line, String key) throws ConfigException {
        StringBuilder value = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    value.append(c);
                }
            } else if (c == '\\' && i + 1 < text.length()) {
                value.append(text.charAt(++i));
            } else if (c == '"') {
                quote = quote == '"' ? 0 : '"';
            } else if (c == '\'' && quote == 0) {
                quote = '\'';
            } else if (c == '$' && i + 1 < text.length() && isNameChar(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                String name = text.substring(i + 1, end);
                String expansion = environment.apply(name);
                if (expansion == null) {
                    throw error(line, key, "environment variable " + name + " is not defined");
                }
                value.append(expansion);
                i = end - 1;
            } else {
                value.append(c);
            }
        }
        if (quote != 0) {
            throw error(line, key, "unterminated quote");
        }
        return value.toString();
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c < 128 && Character.isLetterOrDigit(c));
    }

    private static boolean isComment(String text) {
        return text.charAt(0) == '#' || text.charAt(0) == ';';
    }

    private ConfigException error(int line, String key, String problem) {
        return new ConfigException(source.name(), line, key, problem);
    }
}
