package io.pgagroal.management;

import io.netty.handler.timeout.ReadTimeoutHandler;
import io.pgagroal.Pgagroal;
import io.pgagroal.net.SideListener;
import io.pgagroal.net.Transport;
import io.pgagroal.net.UnixSocketClaim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    private final SideListener listener;
    private final Path socket;

    private ManagementServer(SideListener listener, Path socket) {
        this.listener = listener;
        this.socket = socket;
    }

    /** Listens on {@code directory/.s.pgagroal} for requests on {@code pgagroal}. */
    public static ManagementServer start(Path directory, Pgagroal pgagroal) throws IOException {
        Transport transport = pgagroal.transport();
        SideListener listener = SideListener.open(transport, "pgagroal-management");
        Path socket = directory.resolve(SOCKET_NAME);
        Path binding = directory.resolve(SOCKET_NAME + "." + ProcessHandle.current().pid() + ".new");
        try {
            UnixSocketClaim.claim(socket, transport, listener.loop());
            Files.deleteIfExists(binding);
            Commands commands = new Commands(pgagroal);
            listener.bind(transport.unixAddress(binding), "management", client -> client.pipeline()
                    .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new ManagementHandler(commands)));
            Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-------"));
            Files.createLink(socket, binding);
            Files.delete(binding);
            LOG.info("Management on {}", socket);
            return new ManagementServer(listener, socket);
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(binding);
            throw e;
        }
    }

    public Path socket() {
        return socket;
    }

    /** Stops listening and removes the socket; a request being answered may be cut. */
    @Override
    public void close() {
        listener.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", socket, e.toString());
        }
    }
}
