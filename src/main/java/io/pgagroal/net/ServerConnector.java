package io.pgagroal.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.pgagroal.config.MainConfig;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.security.ServerTls;
import java.nio.file.Path;

/**
 * Opens connections to a PostgreSQL server, over TCP or over its Unix socket
 * ({@code <host>/.s.PGSQL.<port>} when the host is a directory), on the event loop of the session
 * that needs it so that both channels of a session share one thread, with TLS underneath when the
 * server's tls_mode asks for it ({@link ServerSslRequest}; PostgreSQL offers no TLS on its Unix socket).
 */
public final class ServerConnector {

    private static final int SOCKET_BUFFER = 128 * 1024;

    private ServerConnector() {
    }

    /**
     * @param tls the server's TLS, or {@code null} for tls_mode = disable. With TLS the future
     *        completes once TLS is up (or declined under prefer), and {@code handler} sees
     *        channelActive only then
     */
    public static ChannelFuture connect(Transport transport, MainConfig config, ServerConfig server, ServerTls tls, EventLoop loop,
            ChannelHandler handler) {
        boolean unix = server.isUnixSocket();
        if (tls != null && !unix) {
            ServerSslRequest request = new ServerSslRequest(server, tls);
            return request.ready(connect(transport, config, server, loop, new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(request, handler);
                }
            }), loop);
        }
        return connect(transport, config, server, loop, handler);
    }

    private static ChannelFuture connect(Transport transport, MainConfig config, ServerConfig server, EventLoop loop, ChannelHandler handler) {
        boolean unix = server.isUnixSocket();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.channel(unix))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.authenticationTimeout().toMillis()))
                .handler(handler);
        if (unix) {
            return bootstrap.connect(transport.unixAddress(Path.of(server.host(), ".s.PGSQL." + server.port())));
        }
        return bootstrap
                .option(ChannelOption.TCP_NODELAY, config.nodelay())
                .option(ChannelOption.SO_KEEPALIVE, config.keepAlive())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .connect(server.host(), server.port());
    }
}
