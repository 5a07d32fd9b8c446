package io.pgagroal.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgagroal.pool.Authentication;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Opens a new server connection for a client whose password the pooler does not know
 * (pass-through, spec §5.3 step 4): sends the client's StartupMessage, relays every authentication
 * request to the client and every answer back, and forwards the startup messages that follow.
 * Meanwhile it records what a later client needs: the first request and answer (so a later client
 * can be checked the same way) and the messages from AuthenticationOk to ReadyForQuery (replayed to
 * it). Runs on the session's event loop; framed messages arrive one by one.
 */
final class ServerStartup extends ChannelInboundHandlerAdapter {

    static final String NAME = "startup";

    private final Session session;
    private final Map<String, String> parameters;
    private final ByteArrayOutputStream replay = new ByteArrayOutputStream(512);
    private int method = -1;
    private byte[] request;
    private byte[] response;
    private boolean awaitingClient;
    private int processId;
    private int secretKey;
    private ChannelHandlerContext ctx;

    ServerStartup(Session session, Map<String, String> parameters) {
        this.session = session;
        this.parameters = parameters;
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
                startupMessage(frame);
            }
            case Protocol.READY_FOR_QUERY -> {
                replay.writeBytes(ByteBufUtil.getBytes(frame));
                session.serverReady(authentication(), replay.toByteArray(), processId, secretKey, frame);
            }
            case Protocol.ERROR_RESPONSE -> {
                ErrorResponse error = ErrorResponse.decode(frame.slice(5, frame.readableBytes() - 5));
                session.serverRefused(error, frame);
            }
            default -> session.writeToClientAndFlush(frame);
        }
    }

    /** The client answered the request we relayed (PasswordMessage, SASLInitialResponse, SASLResponse). */
    void clientAnswer(ByteBuf frame) {
        if (!awaitingClient) {
            frame.release();
            session.protocolViolation("unexpected message during authentication");
            return;
        }
        awaitingClient = false;
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
            request = ByteBufUtil.getBytes(frame);
        }
        awaitingClient = code != Protocol.AUTH_SASL_FINAL;
        session.writeToClientAndFlush(frame);
        if (awaitingClient) {
            session.awaitClient();
        }
    }

    private void startupMessage(ByteBuf frame) {
        replay.writeBytes(ByteBufUtil.getBytes(frame));
        session.writeToClient(frame);
    }

    private Authentication authentication() {
        if (method < 0) {
            return Authentication.TRUST;
        }
        return new Authentication(method, request, response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.serverClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.failed("server", cause);
    }
}
