package io.pgagroal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code options} startup parameter as PostgreSQL reads it: switches separated by spaces, a
 * backslash escaping the next character. Only {@code -c name=value} and {@code --name=value} are
 * settings; anything else is a server switch that no SET can apply.
 */
final class CommandLineOptions {

    private CommandLineOptions() {
    }

    /** Adds the settings in {@code options} to {@code settings}; false when something else is there. */
    static boolean settings(String options, Map<String, String> settings) {
        List<String> words = words(options);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String setting;
            if (word.equals("-c") && i + 1 < words.size()) {
                setting = words.get(++i);
            } else if (word.startsWith("-c") && word.length() > 2) {
                setting = word.substring(2);
            } else if (word.startsWith("--") && word.length() > 2) {
                setting = word.substring(2);
            } else {
                return false;
            }
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                return false;
            }
            settings.put(setting.substring(0, equals).replace('-', '_'), setting.substring(equals + 1));
        }
        return true;
    }

    private static List<String> words(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                word.append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }
}
