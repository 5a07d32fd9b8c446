package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.config.AuthMethod;
import io.pgagroal.config.HbaEntry;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.config.MainConfig;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupPacket;
import io.pgagroal.protocol.StartupPacketDecoder;
import io.pgagroal.security.Credentials;
import io.pgagroal.security.UserSecret;
import io.pgagroal.server.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new client connection up to the start of its session: answers SSLRequest
 * ({@link ClientTlsNegotiation}) and GSSENCRequest ('N'), forwards a CancelRequest, and admits a
 * StartupMessage (spec §5.1, §5.2): user present, pgagroal_hba.conf entry found for the client's
 * encryption and not reject, pooler not shutting down, database not disabled, a server to go to. The whole exchange up to the session's relay is bounded by authentication_timeout.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);

    private final PoolState state;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timeout;
    private Session session;
    private String description = "";

    FrontendHandler(PoolState state) {
        this.state = state;
    }

    static void install(ChannelPipeline pipeline, PoolState state) {
        pipeline.addLast(ClientTlsNegotiation.firstBytes(state), new StartupPacketDecoder(), new FrontendHandler(state));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armTimeout();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            if (session == null) {
                frame.release();
            } else {
                session.clientMessage(frame);
            }
            return;
        }
        switch ((StartupPacket) msg) {
            case StartupPacket.SslRequest ssl -> {
                if (ctx.pipeline().get(StartupPacketDecoder.class).hasBufferedBytes()) {
                    refuseStartup(ctx.channel(), SqlState.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
                } else {
                    ClientTlsNegotiation.answer(ctx, state);
                }
            }
            case StartupPacket.GssEncRequest gss -> ctx.writeAndFlush(Messages.declineEncryption(ctx.alloc()));
            case StartupPacket.CancelRequest cancel -> {
                CancelForwarder.forward(state, cancel, ctx.channel().eventLoop());
                ctx.close();
            }
            case StartupPacket.Terminate terminate -> ctx.close();
            case StartupPacket.Unsupported unsupported -> refuseStartup(ctx.channel(), SqlState.FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol " + (unsupported.code() >>> 16) + "." + (unsupported.code() & 0xffff)
                            + ": the pooler supports 3.0");
            case StartupPacket.StartupMessage startup -> admit(ctx, startup);
        }
    }

    private void admit(ChannelHandlerContext ctx, StartupPacket.StartupMessage startup) {
        Channel channel = ctx.channel();
        String user = startup.user();
        if (user == null || user.isEmpty()) {
            refuseStartup(channel, SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
            return;
        }
        String database = startup.database();
        String replication = startup.parameters().get("replication");
        if (replication != null && !replication.equalsIgnoreCase("false") && !replication.equalsIgnoreCase("off")
                && !replication.equals("0") && !replication.equalsIgnoreCase("no")) {
            refuseStartup(channel, SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not supported by pgagroal");
            return;
        }
        String realDatabase = state.config.limits().resolveDatabase(user, database);
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String host = address(channel);
        description = "user=" + user + " database=" + database + " address=" + host;
        boolean tls = ClientTlsNegotiation.encrypted(channel);
        Optional<HbaEntry> entry = state.hba.match(address, address == null, tls, database, realDatabase, user);
        if (entry.isEmpty()) {
            refuse(channel, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no pgagroal_hba.conf entry for host \"" + host + "\", user \"" + user + "\", database \"" + database + "\", "
                            + (tls ? "SSL encryption" : "no encryption"));
            return;
        }
        if (entry.get().method() == AuthMethod.REJECT) {
            refuse(channel, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pgagroal_hba.conf rejects connection for host \"" + host + "\", user \"" + user + "\", database \"" + database + "\"");
            return;
        }
        Optional<Login> login = login(user, entry.get().method());
        if (login.isEmpty()) {
            refuse(channel, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "user \"" + user + "\" is not known to pgagroal and allow_unknown_users is off");
            return;
        }
        if (state.shuttingDown) {
            refuse(channel, SqlState.CANNOT_CONNECT_NOW, "the pooler is shutting down");
            return;
        }
        if (state.disabled.disabled(database) || state.disabled.disabled(realDatabase)) {
            refuse(channel, SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "database \"" + database + "\" is disabled in pgagroal: it accepts no new connections until it is enabled");
            return;
        }
        Optional<Server> server = state.servers.primary();
        if (server.isEmpty()) {
            refuse(channel, SqlState.CONNECTION_FAILURE, "no PostgreSQL server is available");
            return;
        }
        if (state.config.main().logConnections()) {
            LOG.info("connect: {}", description);
        }
        if (state.config.main().logDisconnections()) {
            String who = description;
            channel.closeFuture().addListener(f -> LOG.info("disconnect: {}", who));
        }
        Map<String, String> serverParameters = new LinkedHashMap<>(startup.parameters());
        serverParameters.put("database", realDatabase);
        int maxSize = state.config.limits().bestRule(user, database).map(LimitEntry::maxSize).orElse(0);
        ctx.pipeline().replace(StartupPacketDecoder.class, null, Frames.decoder());
        disarmTimeout();
        session = new Session(state, channel, PoolKey.of(user, realDatabase, startup.parameters()), database, maxSize,
                serverParameters, server.get(), login.get());
        session.start();
    }

    /**
     * The users vault (with frontend passwords) first, then auth_query, then pass-through when
     * unknown users are allowed.
     */
    private Optional<Login> login(String user, AuthMethod method) {
        Credentials credentials = state.credentials;
        Optional<UserSecret> secret = credentials.clientSecret(user);
        Optional<String> backendPassword = credentials.backendPassword(user);
        if (secret.isPresent() && backendPassword.isPresent()) {
            return Optional.of(new Login.Known(method, secret.get(), backendPassword.get()));
        }
        MainConfig config = state.config.main();
        if (config.authQuery() && credentials.superuser().isPresent()) {
            return Optional.of(new Login.AuthQuery(method, credentials.superuser().get(), credentials.superuserPassword()));
        }
        return config.allowUnknownUsers() ? Optional.of(new Login.PassThrough(method)) : Optional.empty();
    }

    /** Until the session starts, its own timer takes over. */
    private void armTimeout() {
        disarmTimeout();
        timeout = ctx.executor().schedule(() -> {
            LOG.info("authentication timeout: {}", description.isEmpty() ? "address=" + address(ctx.channel()) : description);
            fatal(ctx.channel(), SqlState.CONNECTION_FAILURE, "authentication timeout");
        }, state.config.main().authenticationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void disarmTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void refuse(Channel channel, String sqlState, String message) {
        LOG.info("connect: refused {}: {}", description, message);
        fatal(channel, sqlState, message);
    }

    /** A startup packet that is refused before any user or database is known. */
    private void refuseStartup(Channel channel, String sqlState, String message) {
        LOG.info("refused startup packet: address={}: {}", address(channel), message);
        fatal(channel, sqlState, message);
    }

    static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "[local]";
    }

    /** Sends a FATAL ErrorResponse and closes the client connection. */
    private void fatal(Channel channel, String sqlState, String message) {
        disarmTimeout();
        if (channel.isActive()) {
            channel.writeAndFlush(Messages.fatal(channel.alloc(), sqlState, message)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarmTimeout();
        if (session != null) {
            session.clientClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session != null) {
            session.failed("client", cause);
            return;
        }
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            ctx.close();
            return;
        }
        String message = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
        refuseStartup(ctx.channel(), SqlState.PROTOCOL_VIOLATION, String.valueOf(message));
    }
}
