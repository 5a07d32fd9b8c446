package io.pgagroal.vault;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.VaultConfig;
import io.pgagroal.management.RemoteManagement;
import io.pgagroal.net.Transport;
import io.pgagroal.security.VaultTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    private final EventLoopGroup group;
    private final ExecutorService lookups;
    private final Channel channel;

    private VaultServer(EventLoopGroup group, ExecutorService lookups, Channel channel) {
        this.group = group;
        this.lookups = lookups;
        this.channel = channel;
    }

    /** @param tls the HTTPS context, null with tls = off */
    static VaultServer start(VaultConfig config, VaultTls tls, RemoteManagement pgagroal) throws IOException, ConfigException {
        Transport transport = Transport.select(config.evBackend());
        EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("pgagroal-vault"));
        ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
        InetSocketAddress address = config.host().equals("*") ? new InetSocketAddress(config.port())
                : new InetSocketAddress(config.host(), config.port());
        Routes routes = new Routes(config, pgagroal);
        HttpsRedirect redirect = new HttpsRedirect(config.host(), config.port());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel(false))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel client) {
                            client.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new HttpsNegotiation(tls, redirect),
                                    new HttpServerCodec(MAX_REQUEST, MAX_REQUEST, MAX_REQUEST), new VaultHandler(routes, lookups));
                        }
                    })
                    .bind(address).sync().channel();
            LOG.info("pgagroal-vault on {} ({}), asking pgagroal at {}:{}", channel.localAddress(), tls == null ? "HTTP" : "HTTPS",
                    config.pgagroalHost(), config.pgagroalPort());
            return new VaultServer(group, lookups, channel);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            lookups.shutdownNow();
            throw new IOException("pgagroal-vault: could not listen on " + address + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Returns once the server stopped listening ({@link #close()}). */
    void awaitClosed() throws InterruptedException {
        channel.closeFuture().await();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        lookups.shutdownNow();
    }
}
