package io.pgagroal.management;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.Pgagroal;
import io.pgagroal.config.AuthMethod;
import io.pgagroal.config.HbaEntry;
import io.pgagroal.protocol.AuthenticationOk;
import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.AuthenticationSASLContinue;
import io.pgagroal.protocol.AuthenticationSASLFinal;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.protocol.StartupPacket;
import io.pgagroal.security.ClientTls;
import io.pgagroal.security.HbaMatcher;
import io.pgagroal.security.ScramException;
import io.pgagroal.security.ScramServer;
import io.pgagroal.security.ScramVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login of one remote-management connection (spec §5.8), before any management frame is read.
 * SSLRequest is answered 'S' and the TLS handshake runs when the pooler has tls = on, with the context
 * clients get (so a reload's certificates apply here too, and tls_ca_file requires a client
 * certificate); 'N' with tls = off, and inside TLS. A failed handshake closes the connection.
 * The StartupMessage must name database {@code admin}; pgagroal_hba.conf is matched with database
 * {@code admin} and the real TLS state ({@code hostssl} lines need TLS; a {@code reject} entry refuses);
 * the user must be in the admins file; then a SCRAM exchange whatever the HBA method says, as pgagroal:
 * SCRAM-SHA-256, and over TLS SCRAM-SHA-256-PLUS too, as PostgreSQL offers it. On AuthenticationOk this handler
 * gives the connection to {@link ManagementHandler}, which reads the one request frame. Every refusal
 * is a FATAL ErrorResponse and the connection is closed; bytes that are no startup packet (a
 * management frame sent before logging in, for one) are refused as a protocol violation.
 */
final class RemoteLogin extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLogin.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** SASLInitialResponse and SASLResponse are well under a kilobyte. */
    private static final int MAX_AUTH_MESSAGE = 8192;
    private static final String DATABASE = "admin";
    /** The names of the decoders in front of this handler: the startup packet's, then the SASL messages'. */
    static final String STARTUP_DECODER = "startup";
    static final String FRAME_DECODER = "frames";
    private static final long LINGER_MILLIS = 1000;

    private final Pgagroal pgagroal;
    private final Commands commands;
    private ScheduledFuture<?> deadline;
    private String user;
    private ScramServer scram;
    private boolean saslStarted;
    private boolean refused;

    RemoteLogin(Pgagroal pgagroal, Commands commands) {
        this.pgagroal = pgagroal;
        this.commands = commands;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long timeout = pgagroal.config().main().authenticationTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> refuse(ctx, SqlState.CONNECTION_FAILURE,
                "remote management login not completed within authentication_timeout"), timeout, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (msg) {
                case StartupPacket.SslRequest ssl -> sslRequest(ctx);
                case StartupPacket.GssEncRequest gss -> ctx.writeAndFlush(Messages.declineEncryption(ctx.alloc()));
                case StartupPacket.StartupMessage startup -> startup(ctx, startup);
                case StartupPacket.Terminate terminate -> ctx.close();
                case StartupPacket packet -> refuse(ctx, SqlState.PROTOCOL_VIOLATION,
                        "remote management expects a StartupMessage, got " + packet);
                case ByteBuf message -> authenticate(ctx, message);
                default -> ctx.close();
            }
        } catch (ScramException | RuntimeException e) {
            refuse(ctx, SqlState.PROTOCOL_VIOLATION, "malformed authentication message: " + e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** 'S' and the handshake, before the StartupMessage is read; or 'N'. */
    private void sslRequest(ChannelHandlerContext ctx) {
        Optional<ClientTls> tls = pgagroal.clientTls();
        if (tls.isEmpty() || ClientTls.encrypted(ctx.channel())) {
            ctx.writeAndFlush(Messages.declineEncryption(ctx.alloc()));
            return;
        }
        ctx.writeAndFlush(Messages.acceptEncryption(ctx.alloc()));
        ctx.pipeline().addFirst(tls.get().handshake(ctx.channel()));
    }

    private void startup(ChannelHandlerContext ctx, StartupPacket.StartupMessage startup) {
        if (user != null) {
            refuse(ctx, SqlState.PROTOCOL_VIOLATION, "a second StartupMessage");
            return;
        }
        user = startup.user();
        if (user == null || user.isEmpty()) {
            refuse(ctx, SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
            return;
        }
        if (!DATABASE.equals(startup.database())) {
            refuse(ctx, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "remote management needs database \"admin\", not \"" + startup.database() + "\"");
            return;
        }
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        String host = address.getHostAddress();
        Optional<HbaEntry> entry = new HbaMatcher(pgagroal.config().hba()).match(address, false, ClientTls.encrypted(ctx.channel()), DATABASE, null, user);
        if (entry.isEmpty()) {
            refuse(ctx, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no pgagroal_hba.conf entry for host \"" + host + "\", user \"" + user + "\", database \"admin\"");
            return;
        }
        if (entry.get().method() == AuthMethod.REJECT) {
            refuse(ctx, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pgagroal_hba.conf rejects connection for host \"" + host + "\", user \"" + user + "\", database \"admin\"");
            return;
        }
        Optional<ScramVerifier> verifier = pgagroal.adminVerifier(user);
        if (verifier.isEmpty()) {
            LOG.info("Remote management: {} from {} is not in the admins file", user, host);
            refuse(ctx, SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
            return;
        }
        scram = new ScramServer(verifier.get(), RANDOM, ClientTls.channelBinding(ctx.channel()));
        ctx.pipeline().replace(STARTUP_DECODER, FRAME_DECODER, new LengthFieldBasedFrameDecoder(MAX_AUTH_MESSAGE, 1, 4, -4, 0));
        ctx.writeAndFlush(new AuthenticationSASL(scram.mechanisms()).encode(ctx.alloc()));
    }

    private void authenticate(ChannelHandlerContext ctx, ByteBuf message) throws ScramException {
        if (scram == null || message.getByte(message.readerIndex()) != Protocol.PASSWORD_MESSAGE) {
            refuse(ctx, SqlState.PROTOCOL_VIOLATION, "expected a SASL response, got message type '"
                    + (char) message.getByte(message.readerIndex()) + "'");
            return;
        }
        ByteBuf body = Messages.body(message);
        if (!saslStarted) {
            String mechanism = Messages.readCString(body);
            int length = body.readInt();
            if (!scram.mechanisms().contains(mechanism) || length != body.readableBytes()) {
                refuse(ctx, SqlState.PROTOCOL_VIOLATION, "expected SASLInitialResponse for " + String.join(" or ", scram.mechanisms()));
                return;
            }
            saslStarted = true;
            String serverFirst = scram.serverFirst(mechanism, body.toString(StandardCharsets.UTF_8));
            ctx.writeAndFlush(new AuthenticationSASLContinue(serverFirst.getBytes(StandardCharsets.UTF_8)).encode(ctx.alloc()));
            return;
        }
        Optional<String> serverFinal = scram.serverFinal(body.toString(StandardCharsets.UTF_8));
        if (serverFinal.isEmpty()) {
            LOG.info("Remote management: wrong password for {} from {}", user, ctx.channel().remoteAddress());
            refuse(ctx, SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
            return;
        }
        ctx.write(new AuthenticationSASLFinal(serverFinal.get().getBytes(StandardCharsets.UTF_8)).encode(ctx.alloc()));
        ctx.writeAndFlush(AuthenticationOk.INSTANCE.encode(ctx.alloc()));
        LOG.debug("Remote management: {} logged in from {}", user, ctx.channel().remoteAddress());
        ctx.pipeline().replace(this, "management", new ManagementHandler(commands));
        ctx.pipeline().remove(FRAME_DECODER);
    }

    /**
     * Sends the FATAL error, then ends the connection: output shut down at once, the connection
     * closed shortly after. What the client still sends meanwhile is read and dropped, so that the
     * close does not reset the connection (a reset can make the client lose the error unread).
     */
    private void refuse(ChannelHandlerContext ctx, String sqlState, String message) {
        if (refused || !ctx.channel().isActive()) {
            return;
        }
        refused = true;
        deadline.cancel(false);
        for (String decoder : List.of(STARTUP_DECODER, FRAME_DECODER)) {
            if (ctx.pipeline().get(decoder) != null) {
                ctx.pipeline().remove(decoder);
            }
        }
        ctx.writeAndFlush(Messages.fatal(ctx.alloc(), sqlState, message)).addListener(written -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            refuse(ctx, SqlState.PROTOCOL_VIOLATION, "authentication message too long");
        } else {
            LOG.debug("Remote management login: {}", cause.toString());
            refuse(ctx, SqlState.PROTOCOL_VIOLATION, "invalid startup packet: " + cause.getMessage());
        }
    }
}
