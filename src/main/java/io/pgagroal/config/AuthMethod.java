package io.pgagroal.config;

import java.util.Locale;

/** The METHOD column of pgagroal_hba.conf. {@code ALL} uses whichever method the server asks for. */
public enum AuthMethod {
    TRUST, REJECT, PASSWORD, MD5, SCRAM_SHA_256, ALL;

    /** The spelling in pgagroal_hba.conf, e.g. {@code scram-sha-256}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a method name, ignoring case. */
    public static AuthMethod fromConfig(String text) {
        for (AuthMethod method : values()) {
            if (method.configName().equalsIgnoreCase(text)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown method \"" + text
                + "\" (trust, reject, password, md5, scram-sha-256 or all)");
    }
}
