package io.pgagroal.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a Unix socket's name free for binding without taking it from a live pooler. Binding a Unix
 * socket needs its name unused, and Netty's epoll bind even unlinks the name itself, so a second
 * pooler on the same directory and port would silently steal the first one's socket. The name is
 * therefore tried first: if a connect succeeds, someone accepts on it and start-up stops, naming
 * the process where the kernel tells it (SO_PEERCRED, epoll and io_uring); if it is refused, the
 * file is a leftover of a pooler that did not stop cleanly and is removed. Any other failure (permission
 * denied, a full backlog) may hide a live pooler, so it stops start-up too. Every Unix socket the
 * pooler binds goes through here (the management socket {@code .s.pgagroal} too, once it exists).
 */
public final class UnixSocketClaim {

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketClaim.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private UnixSocketClaim() {
    }

    /** Returns once {@code socket} does not exist; throws if a live process accepts on it. */
    public static void claim(Path socket, Transport transport, EventLoopGroup group) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(transport.channel(true))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(transport.unixAddress(socket))
                .awaitUninterruptibly();
        if (connect.isSuccess()) {
            Channel channel = connect.channel();
            String owner = switch (channel) {
                case EpollDomainSocketChannel epoll -> " by process " + peerPid(epoll::peerCredentials);
                case IoUringDomainSocketChannel uring -> " by process " + peerPid(uring::peerCredentials);
                default -> "";
            };
            channel.close().syncUninterruptibly();
            throw new IOException("the Unix socket " + socket + " is in use" + owner + ": is there another instance running?");
        }
        String cause = String.valueOf(connect.cause().getMessage());
        if (!cause.contains("Connection refused")) {
            throw new IOException("cannot tell whether the Unix socket " + socket + " is in use (" + cause
                    + "): is there another instance running?", connect.cause());
        }
        LOG.info("Removing stale Unix socket {} (nothing accepts on it)", socket);
        Files.deleteIfExists(socket);
    }

    /** SO_PEERCRED of a native domain socket channel (epoll and io_uring have no common interface for it). */
    private interface PeerCredentialsSource {
        PeerCredentials get() throws IOException;
    }

    private static String peerPid(PeerCredentialsSource credentials) {
        try {
            return String.valueOf(credentials.get().pid());
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }
}
