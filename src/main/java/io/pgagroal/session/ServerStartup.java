package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.util.Map;

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

    static final String NAME = "startup";

    /** Who opened the connection: a session, or the prefill task (which never passes through). */
    interface Owner {
        void serverReady(Authentication authentication, byte[] replay, int processId, int secretKey);

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
    private int method = -1;
    private byte[] request;
    private byte[] response;
    private int processId;
    private int secretKey;
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
        byte type = frame.getByte(0);
        switch (type) {
            case Protocol.AUTHENTICATION -> authentication(frame);
            case Protocol.PARAMETER_STATUS -> startupMessage(frame);
            case Protocol.BACKEND_KEY_DATA -> {
                processId = frame.getInt(5);
                secretKey = frame.getInt(9);
                replay.writeBytes(ByteBufUtil.getBytes(frame));
                if (login == null) {
                    CancelKey key = session.cancelKey(processId);
                    session.client.write(frame.setInt(5, key.processId()).setInt(9, key.secretKey()));
                } else {
                    frame.release();
                }
            }
            case Protocol.READY_FOR_QUERY -> {
                startupMessage(frame);
                owner.serverReady(authentication(), replay.toByteArray(), processId, secretKey);
            }
            case Protocol.ERROR_RESPONSE -> {
                ErrorResponse error = ErrorResponse.decode(frame.slice(5, frame.readableBytes() - 5));
                owner.serverRefused(error, frame, login != null);
            }
            default -> {
                if (login == null) {
                    session.client.writeAndFlush(frame);
                } else {
                    frame.release();
                }
            }
        }
    }

    /** The client answered the request we relayed (PasswordMessage, SASLInitialResponse, SASLResponse). */
    private void clientAnswer(ByteBuf frame) {
        if (response == null) {
            response = ByteBufUtil.getBytes(frame);
        }
        ctx.writeAndFlush(frame);
    }

    private void authentication(ByteBuf frame) {
        int code = frame.getInt(5);
        if (code == Protocol.AUTH_OK) {
            startupMessage(frame);
            return;
        }
        if (method < 0) {
            method = code;
            request = login == null ? ByteBufUtil.getBytes(frame) : null;
        }
        if (login != null) {
            answer(frame);
            return;
        }
        session.client.writeAndFlush(frame);
        if (code != Protocol.AUTH_SASL_FINAL) {
            session.awaitClient(this::clientAnswer);
        }
    }

    private void answer(ByteBuf frame) {
        try {
            ByteBuf answer = login.answer(frame, ctx.alloc());
            if (answer != null) {
                ctx.writeAndFlush(answer);
            }
        } catch (BackendAuthentication.Failure e) {
            owner.serverLoginFailed(e.getMessage());
        } finally {
            frame.release();
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
            return Authentication.byPooler(Math.max(method, Protocol.AUTH_OK));
        }
        return method < 0 ? Authentication.TRUST : Authentication.passThrough(method, request, response);
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
