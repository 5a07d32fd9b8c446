package io.pgagroal.config;

import java.util.Locale;

/**
 * How the pooler protects its connections to one server, libpq's sslmode under pgagroal's names:
 * {@code tls_mode} in a server section, or upstream's {@code tls} (on = require, with tls_ca_file =
 * verify-ca) when tls_mode is auto.
 */
public enum ServerTlsMode {
    /** No SSLRequest. */
    DISABLE,
    /** SSLRequest; TLS when the server accepts it, cleartext when it declines. */
    PREFER,
    /** TLS or no connection; the certificate is not checked. */
    REQUIRE,
    /** TLS with a certificate chain signed by tls_ca_file; the host name is not checked. */
    VERIFY_CA,
    /** As verify-ca, and the certificate must name the server's host. */
    VERIFY_FULL;

    static ServerTlsMode fromConfig(String text) {
        return valueOf(text.replace('-', '_').toUpperCase(Locale.ROOT));
    }

    /** Whether a connection goes ahead only over TLS. */
    public boolean required() {
        return compareTo(REQUIRE) >= 0;
    }

    /** Whether the server's certificate is checked against tls_ca_file. */
    public boolean verifies() {
        return compareTo(VERIFY_CA) >= 0;
    }

    /** As written in pgagroal.conf. */
    @Override
    public String toString() {
        return name().replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
