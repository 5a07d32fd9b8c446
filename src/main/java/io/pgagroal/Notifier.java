package io.pgagroal;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) for systemd's Type=notify (and for {@code -d}, whose launcher waits the same way):
 * each state change is one datagram of {@code KEY=value} lines sent to the Unix datagram socket named
 * by {@code $NOTIFY_SOCKET}, a path or, with a leading {@code @}, a Linux abstract name. The JDK has
 * no Unix datagram sockets, so this goes through Netty's native epoll library; where it does not load,
 * or without {@code $NOTIFY_SOCKET}, every call does nothing. A failed send is logged and never stops
 * the pooler.
 */
final class Notifier {

    static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Notifier NONE = new Notifier(null, false);

    /** Null once nobody listens: the {@code -d} launcher wants start-up messages only and then exits. */
    private volatile byte[] address;
    private final boolean launcher;

    private Notifier(byte[] address, boolean launcher) {
        this.address = address;
        this.launcher = launcher;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, or one that does nothing when it is unset. */
    static Notifier fromEnvironment() {
        String socket = System.getenv(NOTIFY_SOCKET);
        if (socket == null || socket.isEmpty()) {
            return NONE;
        }
        if (!Epoll.isAvailable()) {
            LOG.warn("NOTIFY_SOCKET is set but the native epoll library does not load ({}): systemd is not notified",
                    Epoll.unavailabilityCause().toString());
            return NONE;
        }
        return new Notifier(address(socket), Detach.isDetached());
    }

    /** The bytes of a sockaddr_un path: an abstract name starts with a NUL byte instead of '@'. */
    static byte[] address(String socket) {
        return (socket.startsWith("@") ? "\0" + socket.substring(1) : socket).getBytes(StandardCharsets.UTF_8);
    }

    /** The pooler listens. */
    void ready(String status) {
        send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=" + status);
        if (launcher) {
            address = null;
        }
    }

    /** A reload starts; call {@link #ready} when it ends. */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=Reloading the configuration");
    }

    /** The pooler stops. */
    void stopping() {
        send("STOPPING=1\nSTATUS=Stopping");
    }

    /** A free-form status line, e.g. why start-up failed. */
    void status(String status) {
        send("STATUS=" + status);
    }

    /** Sends {@code message} as it is (the {@code -d} launcher passes the daemon's READY=1 on). */
    void send(String message) {
        byte[] address = this.address;
        if (address == null) {
            return;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        Socket socket = Socket.newSocketDomainDgram();
        try {
            socket.sendToDomainSocket(buffer, 0, bytes.length, address);
        } catch (IOException e) {
            LOG.warn("Could not notify {}: {}", System.getenv(NOTIFY_SOCKET), e.toString());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was left to flush
            }
        }
    }
}
