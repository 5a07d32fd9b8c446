package io.pgagroal.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.VaultConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * pgagroal-vault's HTTPS context (spec §1.4, §13.3): TLS 1.2 and 1.3 with the vault's certificate and
 * key; with {@code tls_ca_file} a client certificate chaining to it is required at the handshake.
 * Built once at start, so a file that does not load stops the vault before it listens, at its line.
 */
public final class VaultTls {

    private final SslContext context;

    private VaultTls(SslContext context) {
        this.context = context;
    }

    /** The context of {@code config}, empty with {@code tls = off}; {@code file} names the configuration in errors. */
    public static Optional<VaultTls> load(Path file, VaultConfig config) throws ConfigException {
        if (config.tls().isEmpty()) {
            return Optional.empty();
        }
        VaultConfig.Tls tls = config.tls().get();
        if (PrivateKeys.read(new File(tls.keyFile())).isEmpty()) {
            throw new ConfigException(file.toString(), tls.keyLine(), "tls_key_file", "\"" + tls.keyFile() + "\": not a PEM private key");
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()))
                    .sslProvider(TlsProvider.provider())
                    .protocols("TLSv1.3", "TLSv1.2");
            if (tls.caFile() != null) {
                builder.trustManager(new File(tls.caFile())).clientAuth(ClientAuth.REQUIRE);
            }
            return Optional.of(new VaultTls(builder.build()));
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(file.toString(), tls.certLine(), "tls_cert_file", "cannot build the TLS context: " + e.getMessage());
        }
    }

    /** The handler that runs the server side of one client's handshake. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }
}
