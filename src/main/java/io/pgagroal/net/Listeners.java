package io.pgagroal.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.pgagroal.config.MainConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client listeners: TCP on host:port ({@code *} means every address, through one dual-stack
 * socket, or IPv4 only where IPv6 is off) and the Unix socket
 * {@code <unix_socket_dir>/.s.PGSQL.<port>}, named like PostgreSQL's so that psql -h DIR works.
 */
final class Listeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<Channel> channels = new ArrayList<>();
    private Path unixSocket;
    private int port;

    static Listeners bind(PoolState state, EventLoopGroup boss) throws IOException {
        Listeners listeners = new Listeners();
        try {
            listeners.bindAll(state, boss);
        } catch (IOException | RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    private void bindAll(PoolState state, EventLoopGroup boss) throws IOException {
        MainConfig config = state.config.main();
        String host = config.host();
        if (host.equals("*")) {
            try {
                port = bindTcp(state, boss, new InetSocketAddress("::", config.port()));
            } catch (IOException e) {
                port = bindTcp(state, boss, new InetSocketAddress("0.0.0.0", config.port()));
            }
        } else {
            port = bindTcp(state, boss, new InetSocketAddress(host, config.port()));
        }
        Path socket = config.unixSocketDir().resolve(".s.PGSQL." + port);
        Files.deleteIfExists(socket);
        channels.add(bind(state, boss, true, state.transport.unixAddress(socket)));
        unixSocket = socket;
        LOG.info("Listening on {} port {} and on {}", host, port, socket);
    }

    private int bindTcp(PoolState state, EventLoopGroup boss, InetSocketAddress address) throws IOException {
        Channel channel = bind(state, boss, false, address);
        channels.add(channel);
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static Channel bind(PoolState state, EventLoopGroup boss, boolean unix, SocketAddress address) throws IOException {
        MainConfig config = state.config.main();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, state.workers)
                .channel(state.transport.serverChannel(unix))
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        FrontendHandler.install(ch.pipeline(), state);
                    }
                });
        if (!unix) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, config.nodelay())
                    .childOption(ChannelOption.SO_KEEPALIVE, config.keepAlive());
        }
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new IOException("could not listen on " + address + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return port;
    }

    Path unixSocket() {
        return unixSocket;
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        channels.clear();
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException e) {
                LOG.warn("Could not remove {}: {}", unixSocket, e.toString());
            }
        }
    }
}
