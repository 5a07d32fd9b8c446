package io.pgagroal.config;

import java.nio.file.Path;

/**
 * One server section of pgagroal.conf. The TLS file names are {@code null} when not set. {@code primary}
 * may be written anywhere in the section (upstream ignores it before host and port).
 */
public record ServerConfig(String name, String host, int port, boolean primary, boolean tls, String tlsCertFile,
                           String tlsKeyFile, String tlsCaFile) {

    /** A host starting with '/' is the directory of the server's Unix socket. */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /** The server's Unix socket, {@code <host>/.s.PGSQL.<port>}; only meaningful when {@link #isUnixSocket()}. */
    public Path unixSocket() {
        return Path.of(host, ".s.PGSQL." + port);
    }
}
