package io.pgagroal.config;

/**
 * An {@code ev_backend} value with where it was written, so that whoever finds out that the backend
 * cannot run here (the transport, outside this package) reports it at that line. Line 0: not written.
 */
public record EventBackendSetting(EventBackend value, String file, int line) {

    /** {@code file:line: ev_backend: problem}. */
    public ConfigException error(String problem) {
        return new ConfigException(file, line, Setting.EV_BACKEND.key(), problem);
    }
}
