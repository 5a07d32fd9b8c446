package io.pgagroal.vault;

import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.VaultConfig;
import io.pgagroal.management.RemoteManagement;
import io.pgagroal.net.SideListener;
import io.pgagroal.net.Transport;
import io.pgagroal.security.VaultTls;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgagroal-vault's HTTP server (spec §1.4) on {@code [pgagroal-vault] host:port}, HTTPS with tls = on
 * ({@link HttpsNegotiation}). Requests are small
 * and one per connection, as upstream's (a request line and headers of at most 1 KiB each); the
 * answer closes the connection. Asking pgagroal is a blocking login and request, so it runs on a
 * virtual thread of its own, never on the event loop.
 */
final class VaultServer implements AutoCloseable {

    /** Upstream reads a request into a 1 KiB buffer. */
    static final int MAX_REQUEST = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(VaultServer.class);
    private static final int READ_TIMEOUT_SECONDS = 10;

    private final SideListener listener;
    private final ExecutorService lookups;

    private VaultServer(SideListener listener, ExecutorService lookups) {
        this.listener = listener;
        this.lookups = lookups;
    }

    /** @param tls the HTTPS context, null with tls = off */
    static VaultServer start(VaultConfig config, VaultTls tls, RemoteManagement pgagroal) throws IOException, ConfigException {
        Transport transport = Transport.select(config.evBackend());
        ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
        Routes routes = new Routes(config, pgagroal);
        HttpsRedirect redirect = new HttpsRedirect(config.host(), config.port());
        SideListener listener;
        try {
            listener = SideListener.open(transport, "pgagroal-vault").bind(SideListener.address(config.host(), config.port()), "pgagroal-vault",
                    client -> client.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new HttpsNegotiation(tls, redirect),
                            new HttpServerCodec(MAX_REQUEST, MAX_REQUEST, MAX_REQUEST), new VaultHandler(routes, lookups)));
        } catch (IOException e) {
            lookups.shutdownNow();
            throw e;
        }
        LOG.info("pgagroal-vault on {} ({}), asking pgagroal at {}:{}", listener.localAddress(), tls == null ? "HTTP" : "HTTPS",
                config.pgagroalHost(), config.pgagroalPort());
        return new VaultServer(listener, lookups);
    }

    int port() {
        return listener.port();
    }

    /** Returns once the server stopped listening ({@link #close()}). */
    void awaitClosed() throws InterruptedException {
        listener.awaitClosed();
    }

    @Override
    public void close() {
        listener.close();
        lookups.shutdownNow();
    }
}
