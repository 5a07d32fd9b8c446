package io.pgagroal.management;

/** A management request that fails with one of pgagroal's error codes (spec §8.2) and a message for people. */
final class ManagementException extends Exception {

    /** MANAGEMENT_ERROR_BAD_PAYLOAD: the frame or its JSON could not be read. */
    static final int BAD_PAYLOAD = 1;
    /** MANAGEMENT_ERROR_UNKNOWN_COMMAND. */
    static final int UNKNOWN_COMMAND = 2;
    static final int FLUSH_ERROR = 200;
    /** conf set: a key that is no key, or a value that does not validate. */
    static final int CONF_SET_ERROR_INVALID_KEY = 1002;
    static final int CONF_SET_NO_KEY_OR_VALUE = 1004;
    static final int SWITCH_TO_FAILED = 1300;
    /** A reload that found a broken file; pgagroal has no code of its own for this (its reload is a signal). */
    static final int RELOAD_FAILED = 1100;
    static final int METRICS_ERROR = 100;
    /** Ours: a resume that cannot apply (one database while every one is paused). */
    static final int RESUME_ERROR = 2100;
    /** Ours: terminate of an id no live session has. */
    static final int NO_SUCH_SESSION = 2200;

    private final int code;

    ManagementException(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }
}
