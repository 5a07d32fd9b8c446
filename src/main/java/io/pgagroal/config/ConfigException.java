package io.pgagroal.config;

/**
 * A configuration file that cannot be used. The message always has the form
 * {@code file:line: key: what is wrong}; the line is left out when the problem is not on one line
 * (a missing file, a missing section) and the key when no key is involved.
 */
public final class ConfigException extends Exception {

    private final String file;
    private final int line;
    private final String key;

    /**
     * @param line 1-based, or 0 when the problem is not on one line
     * @param key  the key or column involved, or {@code null}
     */
    public ConfigException(String file, int line, String key, String problem) {
        super(format(file, line, key, problem));
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** The file as it was given (a path, or a pseudo name such as {@code <pgagroal.conf>} for the builder). */
    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }

    /** The key or column involved, or {@code null}. */
    public String key() {
        return key;
    }

    static String format(String file, int line, String key, String problem) {
        StringBuilder text = new StringBuilder(file).append(':');
        if (line > 0) {
            text.append(line).append(':');
        }
        if (key != null) {
            text.append(' ').append(key).append(':');
        }
        return text.append(' ').append(problem).toString();
    }
}
