package io.pgagroal;

/** The version of pgagroal this program implements and reports. */
public final class Version {

    public static final String VERSION = "2.0.0";

    private Version() {
    }
}
