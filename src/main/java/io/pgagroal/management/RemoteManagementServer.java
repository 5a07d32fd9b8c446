package io.pgagroal.management;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.pgagroal.Pgagroal;
import io.pgagroal.config.MainConfig;
import io.pgagroal.net.SideListener;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupPacketDecoder;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote management port ({@code management = <port>} on {@code host}, spec §5.8): a client logs
 * in as an admin of the admins file with SCRAM-SHA-256 ({@link RemoteLogin}), then sends one request
 * frame, answered exactly as on the local socket. Its own single event loop keeps management off the
 * clients' loops. Bounded: at most {@link #MAX_CONNECTIONS} connections at once, a read timeout, and
 * small message limits until the login succeeded.
 */
public final class RemoteManagementServer implements AutoCloseable {

    /** Management connections at once; pgagroal admits at most 8 admins, each needs one. */
    static final int MAX_CONNECTIONS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteManagementServer.class);
    private static final int READ_TIMEOUT_SECONDS = 10;

    private SideListener listener;
    private int connections;

    private RemoteManagementServer() {
    }

    /** Listens on {@code host:management} of the configuration {@code pgagroal} runs with. */
    public static RemoteManagementServer start(Pgagroal pgagroal) throws IOException {
        MainConfig config = pgagroal.config().main();
        Commands commands = new Commands(pgagroal);
        RemoteManagementServer server = new RemoteManagementServer();
        server.listener = SideListener.open(pgagroal.transport(), "pgagroal-management-remote")
                .bind(SideListener.address(config.host(), config.management()), "management",
                        client -> server.admit(client, pgagroal, commands));
        LOG.info("Remote management on {}", server.listener.localAddress());
        return server;
    }

    /** Runs on the server's one event loop, so the count needs no synchronisation. */
    private void admit(Channel client, Pgagroal pgagroal, Commands commands) {
        if (connections >= MAX_CONNECTIONS) {
            LOG.warn("Remote management: refused {}, {} connections already", client.remoteAddress(), connections);
            client.writeAndFlush(Messages.fatal(client.alloc(), SqlState.TOO_MANY_CONNECTIONS,
                    "too many remote management connections (at most " + MAX_CONNECTIONS + ")"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        connections++;
        client.closeFuture().addListener(closed -> connections--);
        client.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                .addLast(RemoteLogin.STARTUP_DECODER, new StartupPacketDecoder())
                .addLast(new RemoteLogin(pgagroal, commands));
    }

    /** The port listened on. */
    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
