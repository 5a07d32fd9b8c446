package io.pgagroal.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A listener on an event loop of its own, for the servers beside the clients' (the management
 * socket, remote management, pgagroal-vault): their work is small and rare, and must never wait
 * behind a busy client loop, so each gets one named thread. Opened first and bound second, so that
 * its loop can do a little work before binding (a {@link UnixSocketClaim}); closing it stops
 * listening and ends the loop, whether or not it was ever bound.
 */
public final class SideListener implements AutoCloseable {

    private final Transport transport;
    private final EventLoopGroup loop;
    private Channel channel;

    private SideListener(Transport transport, String threadName) {
        this.transport = transport;
        this.loop = transport.newGroup(1, new DefaultThreadFactory(threadName));
    }

    public static SideListener open(Transport transport, String threadName) {
        return new SideListener(transport, threadName);
    }

    /** {@code host:port}, where host {@code *} means every address. */
    public static InetSocketAddress address(String host, int port) {
        return host.equals("*") ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The listener's loop, for work before {@link #bind}. */
    public EventLoopGroup loop() {
        return loop;
    }

    /**
     * Listens on {@code address} (TCP, or a Unix socket for a {@link Transport#unixAddress}); every
     * accepted channel goes through {@code initializer} on the loop. On failure the loop is ended.
     *
     * @param description what listens, for the error message
     */
    public SideListener bind(SocketAddress address, String description, Consumer<Channel> initializer) throws IOException {
        boolean tcp = address instanceof InetSocketAddress;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(transport.serverChannel(!tcp))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        initializer.accept(client);
                    }
                });
        if (tcp) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        try {
            channel = bootstrap.bind(address).sync().channel();
            return this;
        } catch (Exception e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(description + ": could not listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** The TCP port listened on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Returns once the listener stopped ({@link #close()}). */
    public void awaitClosed() throws InterruptedException {
        channel.closeFuture().await();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
