package io.pgagroal.net;

import static io.pgagroal.config.Setting.EV_BACKEND;
import static io.pgagroal.config.Setting.WORKER_THREADS;

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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.EventBackend;
import io.pgagroal.config.EventBackendSetting;
import io.pgagroal.config.MainConfig;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The I/O transport, chosen by {@code ev_backend}: Netty's io_uring or epoll on Linux, NIO where
 * neither native library loads (macOS, Windows, {@code -Dio.netty.transport.noNative=true}). Every
 * transport has TCP and Unix domain socket channels (io_uring's since Netty 4.2), so one transport
 * serves the client listeners, the server connections and the management socket alike.
 * {@code auto} takes io_uring where it runs and there is one worker loop, epoll otherwise, an
 * order chosen by measurement (doc/ARCHITECTURE.md, Event loops). A backend named explicitly that
 * cannot run here stops start-up with the reason, where upstream falls back to another backend: the
 * setting does what it says or nothing starts. io_uring runs a single worker loop
 * ({@link #workerThreads}). The IoHandlerFactory is made only for the transport chosen, because
 * making a native one throws where its library does not load; loading the native classes without
 * using them is harmless.
 */
public enum Transport {
    IO_URING(IoUring::isAvailable, IoUring::unavailabilityCause, IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
            IoUringSocketChannel.class, IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class),
    EPOLL(Epoll::isAvailable, Epoll::unavailabilityCause, EpollIoHandler::newFactory, EpollServerSocketChannel.class,
            EpollSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class),
    NIO(() -> true, () -> null, NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class,
            NioServerDomainSocketChannel.class, NioDomainSocketChannel.class);

    /** What {@code ev_backend = auto} tries, in order, for one worker loop. */
    static final List<Transport> AUTO_ONE_LOOP = List.of(IO_URING, EPOLL, NIO);
    /** What {@code ev_backend = auto} tries, in order, for more than one worker loop (io_uring runs one). */
    static final List<Transport> AUTO = List.of(EPOLL, IO_URING, NIO);

    private final BooleanSupplier available;
    private final Supplier<Throwable> unavailabilityCause;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverSocket;
    private final Class<? extends Channel> socket;
    private final Class<? extends ServerChannel> serverDomainSocket;
    private final Class<? extends Channel> domainSocket;

    Transport(BooleanSupplier available, Supplier<Throwable> unavailabilityCause, Supplier<IoHandlerFactory> ioHandlerFactory,
            Class<? extends ServerChannel> serverSocket, Class<? extends Channel> socket,
            Class<? extends ServerChannel> serverDomainSocket, Class<? extends Channel> domainSocket) {
        this.available = available;
        this.unavailabilityCause = unavailabilityCause;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverSocket = serverSocket;
        this.socket = socket;
        this.serverDomainSocket = serverDomainSocket;
        this.domainSocket = domainSocket;
    }

    /**
     * The transport of {@code ev_backend = auto} for that many worker loops: the first of
     * {@link #AUTO_ONE_LOOP} or {@link #AUTO} that runs here.
     */
    public static Transport best(int loops) {
        return (loops == 1 ? AUTO_ONE_LOOP : AUTO).stream().filter(Transport::isAvailable).findFirst().orElse(NIO);
    }

    /**
     * The transport {@code ev_backend} asks for.
     *
     * @throws ConfigException at the line of ev_backend, when that backend cannot run here
     */
    public static Transport select(MainConfig config) throws ConfigException {
        return select(config.evBackend(), requestedLoops(config), problem -> config.error(EV_BACKEND, problem));
    }

    /** The transport of pgagroal-vault's ev_backend (one event loop), as {@link #select(MainConfig)}. */
    public static Transport select(EventBackendSetting setting) throws ConfigException {
        return select(setting.value(), 1, setting::error);
    }

    private static Transport select(EventBackend backend, int loops, Function<String, ConfigException> error) throws ConfigException {
        Transport transport = switch (backend) {
            case AUTO -> best(loops);
            case IO_URING -> IO_URING;
            case EPOLL -> EPOLL;
            case KQUEUE -> throw error.apply("kqueue is the event backend of BSD and macOS, and this pooler has"
                    + " no kqueue transport; use auto (the best one available here), io_uring or epoll (Linux)");
        };
        if (!transport.isAvailable()) {
            throw error.apply(transport.configName() + " cannot run here (" + transport.unavailabilityReason()
                    + "); use auto, which takes the best backend available");
        }
        return transport;
    }

    public boolean isAvailable() {
        return available.getAsBoolean();
    }

    /** Why the native library does not run here, as Netty reports it. */
    private String unavailabilityReason() {
        Throwable cause = unavailabilityCause.get();
        StringBuilder reason = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && reason.indexOf(t.getMessage()) < 0) {
                reason.append(reason.isEmpty() ? "" : ": ").append(t.getMessage());
            }
        }
        return reason.isEmpty() ? String.valueOf(cause) : reason.toString();
    }

    /** The value of ev_backend that names this transport. */
    public String configName() {
        return this == IO_URING ? "io_uring" : name().toLowerCase(Locale.ROOT);
    }

    /**
     * How many worker event loops to run: worker_threads, or when it is 0 half the available
     * processors, at least one (measured on 2 cores, where one loop costs less CPU per transaction
     * than two: doc/ARCHITECTURE.md, Event loops); io_uring runs one. The pool moves a server
     * connection to its client's event loop (deregister, register), and Netty 4.2.18's io_uring
     * channels do not survive that move: a read pending on the old ring is never re-armed on the new
     * one, and a receive still in flight when the
     * channel leaves breaks an assertion of Netty's (which, enabled, ends the event loop). With one
     * worker loop nothing moves.
     *
     * @throws ConfigException at the line of worker_threads, when it asks io_uring for more than one
     */
    public int workerThreads(MainConfig config) throws ConfigException {
        if (this != IO_URING) {
            return requestedLoops(config);
        }
        if (config.workerThreads() > 1) {
            throw config.error(WORKER_THREADS, config.workerThreads() + " with the io_uring transport, whose channels cannot move between"
                    + " event loops yet, which the pool does with more than one (doc/ARCHITECTURE.md, Event loops); use worker_threads"
                    + " = 1 (or 0), or ev_backend = epoll");
        }
        return 1;
    }

    /** worker_threads, or when it is 0 half the available processors, at least one. */
    private static int requestedLoops(MainConfig config) {
        return config.workerThreads() > 0 ? config.workerThreads() : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
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
        return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path.toString());
    }
}
