package io.pgagroal.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgagroal.Pgagroal;
import io.pgagroal.config.MainConfig;
import io.pgagroal.net.Transport;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupPacketDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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

    private final EventLoopGroup group;
    private Channel channel;
    private int connections;

    private RemoteManagementServer(EventLoopGroup group) {
        this.group = group;
    }

    /** Listens on {@code host:management} of the configuration {@code pgagroal} runs with. */
    public static RemoteManagementServer start(Pgagroal pgagroal) throws IOException {
        MainConfig config = pgagroal.config().main();
        Transport transport = pgagroal.transport();
        EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("pgagroal-management-remote"));
        InetSocketAddress address = config.host().equals("*") ? new InetSocketAddress(config.management())
                : new InetSocketAddress(config.host(), config.management());
        Commands commands = new Commands(pgagroal);
        RemoteManagementServer server = new RemoteManagementServer(group);
        try {
            server.channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel(false))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel client) {
                            server.admit(client, pgagroal, commands);
                        }
                    })
                    .bind(address).sync().channel();
            LOG.info("Remote management on {}", server.channel.localAddress());
            return server;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("management: could not listen on " + address + ": " + e.getMessage(), e);
        }
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
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
