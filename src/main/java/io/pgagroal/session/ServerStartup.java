package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.pgagroal.protocol.AuthenticationOk;
import io.pgagroal.protocol.AuthenticationRequest;
import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.AuthenticationSASLFinal;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Frames;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.Function;

/**
 * Opens a new server connection for a session: sends the client's StartupMessage, gets through
 * authentication, and collects the messages from AuthenticationOk to ReadyForQuery that every later
 * client of this connection is replayed.
 *
 * <p>Two ways through authentication. When the pooler knows how to log in ({@link BackendAuthentication}:
 * users vault, auth_query) it answers the server itself and the client sees nothing until the
 * session replays the startup messages. When it does not (pass-through, spec §5.3 step 4) it relays
 * every request to the client and every answer back, forwards the startup messages as they come,
 * and records the first request and answer so a later client can be checked the same way. Runs on
 * the session's event loop; framed messages arrive one by one.
 */
final class ServerStartup extends ChannelInboundHandlerAdapter {

    /** Who opened the connection: a session, or the prefill task (which never passes through). */
    interface Owner {
        void serverReady(Authentication authentication, byte[] replay, BackendKeyData backendKey);

        /** @param frame the ErrorResponse; ownership passes to the owner */
        void serverRefused(ErrorResponse error, ByteBuf frame, boolean pooledLogin);

        void serverLoginFailed(String why);

        void serverClosed();

        void failed(String side, Throwable cause);
    }

    private final Owner owner;
    private final Session session;
    private final Map<String, String> parameters;
    private final BackendAuthentication login;
    private final ByteArrayOutputStream replay = new ByteArrayOutputStream(512);
    private AuthenticationRequest method;
    private byte[] request;
    private byte[] response;
    /** PostgreSQL always sends one; a server that does not gets a key that cancels nothing. */
    private BackendKeyData backendKey = new BackendKeyData(0, 0);
    private ChannelHandlerContext ctx;

    private ServerStartup(Owner owner, Session session, Map<String, String> parameters, BackendAuthentication login) {
        this.owner = owner;
        this.session = session;
        this.parameters = parameters;
        this.login = login;
    }

    /** The pooler logs in itself. */
    static ServerStartup login(Owner owner, Map<String, String> parameters, BackendAuthentication login) {
        return new ServerStartup(owner, null, parameters, login);
    }

    /** The session's client authenticates through to PostgreSQL. */
    static ServerStartup passThrough(Owner owner, Session session, Map<String, String> parameters) {
        return new ServerStartup(owner, session, parameters, null);
    }

    /** What the channel of the new connection starts with: whole-message framing, then this handler. */
    ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Frames.decoder(), ServerStartup.this);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Messages.startupMessage(ctx.alloc(), parameters));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        switch (frame.getByte(0)) {
            case Protocol.AUTHENTICATION -> authentication(frame, decoded(frame, AuthenticationRequest::decode));
            case Protocol.PARAMETER_STATUS -> startupMessage(frame);
            case Protocol.BACKEND_KEY_DATA -> backendKeyData(frame, decoded(frame, BackendKeyData::decode));
            case Protocol.READY_FOR_QUERY -> {
                startupMessage(frame);
                owner.serverReady(authentication(), replay.toByteArray(), backendKey);
            }
            case Protocol.ERROR_RESPONSE -> owner.serverRefused(decoded(frame, ErrorResponse::decode), frame, login != null);
            default -> {
                if (login == null) {
                    session.client.writeAndFlush(frame);
                } else {
                    frame.release();
                }
            }
        }
    }

    /** The body of a frame this handler still owns, decoded; a malformed frame is released before the failure goes on. */
    private static <T> T decoded(ByteBuf frame, Function<ByteBuf, T> decoder) {
        try {
            return decoder.apply(Messages.body(frame));
        } catch (ProtocolException e) {
            frame.release();
            throw e;
        }
    }

    /** The client answered the request we relayed (PasswordMessage, SASLInitialResponse, SASLResponse). */
    private void clientAnswer(ByteBuf frame) {
        if (response == null) {
            response = ByteBufUtil.getBytes(frame);
        }
        ctx.writeAndFlush(frame);
    }

    private void authentication(ByteBuf received, AuthenticationRequest decoded) {
        if (decoded instanceof AuthenticationOk) {
            startupMessage(received);
            return;
        }
        ByteBuf frame = received;
        AuthenticationRequest authentication = decoded;
        if (login == null && decoded instanceof AuthenticationSASL sasl && sasl.offersChannelBinding()) {
            // channel binding names the TLS session, and the client's (if any) ends at the pooler
            AuthenticationSASL offered = sasl.withoutChannelBinding();
            received.release();
            authentication = offered;
            frame = offered.encode(ctx.alloc());
        }
        if (method == null) {
            method = authentication;
            request = login == null ? ByteBufUtil.getBytes(frame) : null;
        }
        if (login != null) {
            frame.release();
            answer(authentication);
            return;
        }
        session.client.writeAndFlush(frame);
        if (!(authentication instanceof AuthenticationSASLFinal)) {
            session.awaitClient(this::clientAnswer);
        }
    }

    private void answer(AuthenticationRequest authentication) {
        try {
            ByteBuf answer = login.answer(authentication, ctx.alloc());
            if (answer != null) {
                ctx.writeAndFlush(answer);
            }
        } catch (BackendAuthentication.Failure e) {
            owner.serverLoginFailed(e.getMessage());
        }
    }

    /**
     * The backend's key is kept for the replay and for cancelling; in pass-through the client is
     * sent the backend's process ID with a secret of the pooler's, which names this session.
     */
    private void backendKeyData(ByteBuf frame, BackendKeyData key) {
        backendKey = key;
        replay.writeBytes(ByteBufUtil.getBytes(frame));
        frame.release();
        if (login == null) {
            session.client.write(session.cancelKey(key.processId()).backendKeyData().encode(session.client.alloc()));
        }
    }

    /** Keeps a startup message for the replay; in pass-through it also goes to the client now. */
    private void startupMessage(ByteBuf frame) {
        replay.writeBytes(ByteBufUtil.getBytes(frame));
        if (login == null) {
            session.client.write(frame);
        } else {
            frame.release();
        }
    }

    private Authentication authentication() {
        if (login != null) {
            return Authentication.byPooler(method == null ? AuthenticationOk.INSTANCE : method);
        }
        return method == null ? Authentication.TRUST : Authentication.passThrough(method, request, response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        owner.serverClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        owner.failed("server", cause);
    }
}
