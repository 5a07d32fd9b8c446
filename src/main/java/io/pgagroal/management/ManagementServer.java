package io.pgagroal.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgagroal.Pgagroal;
import io.pgagroal.net.Transport;
import io.pgagroal.net.UnixSocketClaim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local management socket {@code <unix_socket_dir>/.s.pgagroal} (spec §8.1), which pgagroal-cli
 * talks to: one request and one answer per connection, on a thread of its own. The socket is bound
 * under a temporary name, given mode 0600 (only the pooler's OS user may connect: there is no
 * authentication on it) and only then renamed into place; it is removed at stop.
 */
public final class ManagementServer implements AutoCloseable {

    /** The name of the socket in unix_socket_dir, as pgagroal's MAIN_UDS. */
    public static final String SOCKET_NAME = ".s.pgagroal";

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** A request is one small frame: a client that has not sent it in this time is closed. */
    private static final int READ_TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group;
    private final Channel channel;
    private final Path socket;

    private ManagementServer(EventLoopGroup group, Channel channel, Path socket) {
        this.group = group;
        this.channel = channel;
        this.socket = socket;
    }

    /** Listens on {@code directory/.s.pgagroal} for requests on {@code pgagroal}. */
    public static ManagementServer start(Path directory, Pgagroal pgagroal) throws IOException {
        Transport transport = pgagroal.transport();
        EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("pgagroal-management"));
        Path socket = directory.resolve(SOCKET_NAME);
        Path binding = directory.resolve(SOCKET_NAME + "." + ProcessHandle.current().pid() + ".new");
        try {
            UnixSocketClaim.claim(socket, transport, group);
            Files.deleteIfExists(binding);
            Commands commands = new Commands(pgagroal);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel(true))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel client) {
                            client.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new ManagementHandler(commands));
                        }
                    })
                    .bind(transport.unixAddress(binding)).sync().channel();
            Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-------"));
            Files.createLink(socket, binding);
            Files.delete(binding);
            LOG.info("Management on {}", socket);
            return new ManagementServer(group, channel, socket);
        } catch (IOException | RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Files.deleteIfExists(binding);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException("could not listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    public Path socket() {
        return socket;
    }

    /** Stops listening and removes the socket; a request being answered may be cut. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", socket, e.toString());
        }
    }
}
