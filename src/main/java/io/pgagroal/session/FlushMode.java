package io.pgagroal.session;

/**
 * What {@code flush} does to the connections of a database (spec §6.7); every mode closes the idle
 * (FREE) ones with Terminate. The values are pgagroal's management protocol codes.
 */
public enum FlushMode {
    /** Connections handed out are left alone. */
    IDLE(0),
    /** A connection handed out is closed when its client gives it back. */
    GRACEFULLY(1),
    /** A connection handed out is closed now, and the session holding it ends. */
    ALL(2);

    private final int value;

    FlushMode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
