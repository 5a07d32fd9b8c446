package io.pgagroal.config;

import java.nio.file.Path;

/**
 * One server section of pgagroal.conf. The TLS file names are {@code null} when not set; {@code tlsMode}
 * is the effective mode ({@code tls} is the key as written). {@code primary}
 * may be written anywhere in the section (upstream ignores it before host and port).
 */
public record ServerConfig(String name, String host, int port, boolean primary, boolean tls, String tlsCertFile,
                           String tlsKeyFile, String tlsCaFile, ServerTlsMode tlsMode) {

    /** Whether connections to this server send an SSLRequest (any tls_mode but disable). */
    public boolean usesTls() {
        return tlsMode != ServerTlsMode.DISABLE;
    }

    /** A host starting with '/' is the directory of the server's Unix socket. */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /** The server's Unix socket, {@code <host>/.s.PGSQL.<port>}; only meaningful when {@link #isUnixSocket()}. */
    public Path unixSocket() {
        return Path.of(host, ".s.PGSQL." + port);
    }
}
