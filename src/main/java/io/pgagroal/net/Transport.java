package io.pgagroal.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The I/O transport: native epoll on Linux when it loads, NIO elsewhere. The IoHandlerFactory is
 * made only for the transport chosen, because making the epoll one throws where the native library
 * does not load (macOS, Windows, {@code -Dio.netty.transport.noNative=true}); loading the epoll
 * classes without using them is harmless.
 */
public enum Transport {
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class,
            NioServerDomainSocketChannel.class, NioDomainSocketChannel.class);

    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverSocket;
    private final Class<? extends Channel> socket;
    private final Class<? extends ServerChannel> serverDomainSocket;
    private final Class<? extends Channel> domainSocket;

    Transport(Supplier<IoHandlerFactory> ioHandlerFactory, Class<? extends ServerChannel> serverSocket, Class<? extends Channel> socket,
            Class<? extends ServerChannel> serverDomainSocket, Class<? extends Channel> domainSocket) {
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverSocket = serverSocket;
        this.socket = socket;
        this.serverDomainSocket = serverDomainSocket;
        this.domainSocket = domainSocket;
    }

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory.get());
    }

    public Class<? extends ServerChannel> serverChannel(boolean unix) {
        return unix ? serverDomainSocket : serverSocket;
    }

    public Class<? extends Channel> channel(boolean unix) {
        return unix ? domainSocket : socket;
    }

    public SocketAddress unixAddress(Path path) {
        return this == EPOLL ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }
}
