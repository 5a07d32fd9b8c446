package io.pgagroal.pool;

/**
 * States of a pool slot, with pgagroal's numeric values (they appear in management output and
 * metrics). Every transition is a compare-and-set on the slot's entry in the state array.
 */
public enum SlotState {
    NOTINIT(-2, "not_init"),
    INIT(-1, "init"),
    FREE(0, "free"),
    IN_USE(1, "in_use"),
    GRACEFULLY(2, "gracefully"),
    FLUSH(3, "flush"),
    IDLE_CHECK(4, "idle_check"),
    MAX_CONNECTION_AGE(5, "max_connection_age"),
    VALIDATION(6, "validation"),
    REMOVE(7, "remove");

    private static final SlotState[] BY_VALUE = new SlotState[10];

    static {
        for (SlotState state : values()) {
            BY_VALUE[state.value + 2] = state;
        }
    }

    final int value;
    private final String label;

    SlotState(int value, String label) {
        this.value = value;
        this.label = label;
    }

    public int value() {
        return value;
    }

    /** The label used by pgagroal's metrics ({@code pgagroal_connection{state=...}}). */
    public String label() {
        return label;
    }

    static SlotState of(int value) {
        return BY_VALUE[value + 2];
    }
}
