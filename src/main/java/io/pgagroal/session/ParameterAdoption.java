package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ParameterStatus;
import io.pgagroal.protocol.Protocol;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gives a base (prefilled) connection a client's startup parameters with one simple query of
 * {@code set_config} calls, collecting the ParameterStatus messages PostgreSQL reports. set_config
 * reads a value as a startup packet or {@code options -c} does, so a list setting such as
 * {@code search_path = a,b} is the two schemas (a SET with a quoted literal would make it the one
 * schema "a,b"). One statement is one implicit transaction: if a value is refused none applies and
 * the connection is unchanged. DISCARD ALL on return resets them, so the connection stays a base
 * connection.
 */
final class ParameterAdoption extends ChannelInboundHandlerAdapter {

    /** Who asked for the parameters: hears the result once, or that the connection failed. */
    interface Outcome {
        /** @param error null when every parameter was applied */
        void adopted(Map<String, String> reported, ErrorResponse error);

        void serverClosed();

        void failed(String side, Throwable cause);
    }

    private final Outcome outcome;
    private final Frames.Decoder framer = Frames.decoder();
    private final Map<String, String> reported = new LinkedHashMap<>();
    private ErrorResponse error;

    private ParameterAdoption(Outcome outcome) {
        this.outcome = outcome;
    }

    static void start(Outcome outcome, Channel backend, Map<String, String> settings) {
        ParameterAdoption adoption = new ParameterAdoption(outcome);
        backend.pipeline().addFirst(adoption.framer, adoption);
        backend.writeAndFlush(Messages.query(backend.alloc(), sets(settings)));
    }

    static String sets(Map<String, String> settings) {
        return settings.entrySet().stream()
                .map(s -> "pg_catalog.set_config(" + literal(s.getKey()) + ", " + literal(s.getValue()) + ", false)")
                .collect(Collectors.joining(", ", "SELECT ", ""));
    }

    /** An escape string literal, right whatever standard_conforming_strings says. */
    private static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            switch (frame.getByte(0)) {
                case Protocol.PARAMETER_STATUS -> {
                    ParameterStatus parameter = ParameterStatus.decode(Messages.body(frame));
                    reported.put(parameter.name(), parameter.value());
                }
                case Protocol.ERROR_RESPONSE -> error = ErrorResponse.decode(Messages.body(frame));
                case Protocol.READY_FOR_QUERY -> {
                    ctx.pipeline().remove(framer).remove(this);
                    outcome.adopted(reported, error);
                }
                default -> {
                }
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        outcome.serverClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        outcome.failed("server", cause);
    }
}
