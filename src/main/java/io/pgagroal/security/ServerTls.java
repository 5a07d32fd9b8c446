package io.pgagroal.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.config.ServerTlsMode;
import io.pgagroal.config.Setting;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;

/**
 * The client side of TLS to one PostgreSQL server: its mode and one SslContext built at start
 * (server sections apply on restart only), so every connection to it shares the loaded certificates
 * and the engine's session cache. prefer and require trust any certificate, as libpq does; verify-ca
 * trusts the chain to tls_ca_file only; verify-full also matches the host name against the
 * certificate (RFC 2818 rules, the subject alternative names first). The host is sent as SNI unless
 * it is an address. A file that does not load stops start-up at its line.
 */
public final class ServerTls {

    private final ServerConfig server;
    private final SslContext context;

    private ServerTls(ServerConfig server, SslContext context) {
        this.server = server;
        this.context = context;
    }

    /** The TLS of every server by name; a server with tls_mode = disable has none. */
    public static Map<String, ServerTls> forServers(PgagroalConfig config) throws ConfigException {
        Map<String, ServerTls> tls = new HashMap<>();
        for (ServerConfig server : config.servers()) {
            if (server.usesTls()) {
                tls.put(server.name(), new ServerTls(server, context(config, server)));
            }
        }
        if (!tls.isEmpty()) {
            TlsProvider.logChoice();
        }
        return Map.copyOf(tls);
    }

    private static SslContext context(PgagroalConfig config, ServerConfig server) throws ConfigException {
        ServerTlsMode mode = server.tlsMode();
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(TlsProvider.provider())
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm(mode == ServerTlsMode.VERIFY_FULL ? "HTTPS" : null);
        if (!NetUtil.isValidIpV4Address(server.host()) && !NetUtil.isValidIpV6Address(server.host())) {
            builder.serverName(new SNIHostName(server.host()));
        }
        if (mode.verifies()) {
            try {
                builder.trustManager(new File(server.tlsCaFile()));
            } catch (IllegalArgumentException e) {
                throw config.serverError(server, Setting.SERVER_TLS_CA_FILE, problem(server.tlsCaFile(), e));
            }
        } else {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        if (server.tlsCertFile() != null) {
            try {
                builder.keyManager(new File(server.tlsCertFile()), new File(server.tlsKeyFile()));
            } catch (IllegalArgumentException e) {
                boolean key = e.getMessage() != null && e.getMessage().contains("private key");
                throw config.serverError(server, key ? Setting.SERVER_TLS_KEY_FILE : Setting.SERVER_TLS_CERT_FILE,
                        problem(key ? server.tlsKeyFile() : server.tlsCertFile(), e));
            }
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw config.serverError(server, Setting.SERVER_TLS_MODE, "cannot set up TLS: " + reason(e));
        }
    }

    /** As FileChecks words it: the file, then what is wrong with it. */
    private static String problem(String file, Exception e) {
        return '"' + file + "\": " + reason(e);
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    public ServerTlsMode mode() {
        return server.tlsMode();
    }

    /** The TLS client for one new connection, named after the server's host and port (for verify-full). */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc, server.host(), server.port());
    }
}
