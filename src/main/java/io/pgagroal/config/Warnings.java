package io.pgagroal.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems that do not stop loading (an unknown key, a key set twice, a setting that is legal but
 * unwise), kept so that the pooler logs them once its logging is configured, and so that
 * {@code conf reload} and tests can show them; they use the same {@code file:line: key: problem}
 * form as {@link ConfigException}.
 */
final class Warnings {

    private final List<String> messages = new ArrayList<>();

    void add(String file, int line, String key, String problem) {
        String message = ConfigException.format(file, line, key, problem);
        messages.add(message);
    }

    List<String> list() {
        return List.copyOf(messages);
    }
}
