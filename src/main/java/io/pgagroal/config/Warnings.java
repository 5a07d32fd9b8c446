package io.pgagroal.config;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Problems that do not stop loading (an unknown key, a key set twice, a setting that is legal but
 * unwise). Each one is logged when found and also kept, so that {@code conf reload} and tests can show
 * them; they use the same {@code file:line: key: problem} form as {@link ConfigException}.
 */
final class Warnings {

    private static final Logger LOG = LoggerFactory.getLogger(Warnings.class);

    private final List<String> messages = new ArrayList<>();

    void add(String file, int line, String key, String problem) {
        String message = ConfigException.format(file, line, key, problem);
        LOG.warn(message);
        messages.add(message);
    }

    List<String> list() {
        return List.copyOf(messages);
    }
}
