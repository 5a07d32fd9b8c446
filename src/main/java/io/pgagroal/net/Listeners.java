package io.pgagroal.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
public final class Listeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<Channel> channels = new ArrayList<>();
    private Path unixSocket;
    private int port;

    public static Listeners bind(MainConfig config, Transport transport, EventLoopGroup boss, EventLoopGroup workers,
            ChannelHandler clientInitializer) throws IOException {
        Listeners listeners = new Listeners();
        try {
            listeners.bindAll(new Binding(config, transport, boss, workers, clientInitializer));
        } catch (IOException | RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    private void bindAll(Binding binding) throws IOException {
        MainConfig config = binding.config;
        String host = config.host();
        if (host.equals("*")) {
            try {
                port = bindTcp(binding, new InetSocketAddress("::", config.port()));
            } catch (IOException e) {
                port = bindTcp(binding, new InetSocketAddress("0.0.0.0", config.port()));
            }
        } else {
            port = bindTcp(binding, new InetSocketAddress(host, config.port()));
        }
        Path socket = config.unixSocketDir().resolve(".s.PGSQL." + port);
        UnixSocketClaim.claim(socket, binding.transport, binding.workers);
        channels.add(bind(binding, true, binding.transport.unixAddress(socket)));
        unixSocket = socket;
        LOG.info("Listening on {} port {} and on {}", host, port, socket);
    }

    private int bindTcp(Binding binding, InetSocketAddress address) throws IOException {
        Channel channel = bind(binding, false, address);
        channels.add(channel);
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static Channel bind(Binding binding, boolean unix, SocketAddress address) throws IOException {
        MainConfig config = binding.config;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(binding.boss, binding.workers)
                .channel(binding.transport.serverChannel(unix))
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childHandler(binding.clientInitializer);
        if (!unix) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new IOException("could not listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public Path unixSocket() {
        return unixSocket;
    }

    /** What every listener is bound with; the client initializer sets up each accepted channel. */
    private record Binding(MainConfig config, Transport transport, EventLoopGroup boss, EventLoopGroup workers,
            ChannelHandler clientInitializer) {
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
