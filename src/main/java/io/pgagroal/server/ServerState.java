package io.pgagroal.server;

/** States of a backend server, with pgagroal's numeric values and management labels. */
public enum ServerState {
    NOTINIT(-2, "Not init"),
    NOTINIT_PRIMARY(-1, "Not init (primary)"),
    PRIMARY(0, "Primary"),
    REPLICA(1, "Replica"),
    FAILOVER(2, "Failover"),
    FAILED(3, "Failed");

    private final int value;
    private final String label;

    ServerState(int value, String label) {
        this.value = value;
        this.label = label;
    }

    public int value() {
        return value;
    }

    public String label() {
        return label;
    }
}
