package io.pgagroal.session;

import io.pgagroal.pipeline.StartupResets;
import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.pgagroal.protocol.DataRow;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ParameterStatus;
import io.pgagroal.protocol.Protocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives a connection a client's parameters with one simple query of {@code set_config} calls,
 * collecting the ParameterStatus messages PostgreSQL reports. set_config reads a value as a startup
 * packet or {@code options -c} does, so a list setting such as {@code search_path = a,b} is the two
 * schemas (a SET with a quoted literal would make it the one schema "a,b"), and a null value resets
 * the parameter to the connection's own default. One statement is one implicit transaction: if a
 * value is refused none applies and the connection is unchanged. In the session pipeline DISCARD ALL
 * on return resets them, so the connection stays a base connection.
 *
 * <p>It also reads a connection's session state: every parameter set for the session (source
 * {@code session} in pg_settings), which is what a client's SET, RESET and set_config calls left
 * once its transaction ended, whatever their text was.
 */
final class ParameterAdoption extends ChannelInboundHandlerAdapter {

    /** Who asked for the parameters: hears the result once, or that the connection failed. */
    interface Outcome {
        /** @param error null when every parameter was applied */
        void adopted(Map<String, String> reported, ErrorResponse error);

        /**
         * The connection's session settings, by name, or null when their names and values take more
         * than {@link #SESSION_SETTINGS_LIMIT} characters; error when PostgreSQL refused to tell.
         */
        default void read(Map<String, String> settings, ErrorResponse error) {
            throw new UnsupportedOperationException();
        }

        void serverClosed();

        void failed(String side, Throwable cause);
    }

    private final Outcome outcome;
    private final Frames.Decoder framer = Frames.decoder();
    static final String SESSION_SETTINGS =
            "SELECT name, pg_catalog.current_setting(name) FROM pg_catalog.pg_settings WHERE source = 'session' AND context <> 'internal'";

    /**
     * The most characters of names and values of a client's session settings that the pooler keeps
     * to carry them to other connections; a client whose settings take more keeps its connection.
     */
    static final int SESSION_SETTINGS_LIMIT = 64 * 1024;

    private final Map<String, String> reported = new LinkedHashMap<>();
    private final Map<String, String> rows = new LinkedHashMap<>();
    private final boolean reading;
    /** Characters of the settings read so far; past the limit no more are kept. */
    private long settingsSize;
    private ErrorResponse error;

    private ParameterAdoption(Outcome outcome, boolean reading) {
        this.outcome = outcome;
        this.reading = reading;
    }

    /** @param settings the values to set; a null value resets the parameter */
    static void start(Outcome outcome, Channel backend, Map<String, String> settings) {
        run(new ParameterAdoption(outcome, false), backend, sets(settings));
    }

    /** Reads the connection's session settings: {@link Outcome#read} hears them. */
    static void read(Outcome outcome, Channel backend) {
        run(new ParameterAdoption(outcome, true), backend, SESSION_SETTINGS);
    }

    private static void run(ParameterAdoption conversation, Channel backend, String query) {
        Handlers.addFirst(backend.pipeline(), conversation.framer, conversation);
        backend.writeAndFlush(Messages.query(backend.alloc(), query));
    }

    /** Whether the pooler may give this parameter to a connection (read-only ones are never replayed). */
    static boolean settable(String name) {
        return StartupResets.settable(name);
    }

    static String sets(Map<String, String> settings) {
        return StartupResets.setConfigs(settings);
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
                case Protocol.DATA_ROW -> {
                    if (reading && settingsSize <= SESSION_SETTINGS_LIMIT) {
                        List<String> row = DataRow.decode(Messages.body(frame)).values();
                        settingsSize += row.get(0).length() + (long) row.get(1).length();
                        rows.put(row.get(0), row.get(1));
                    }
                }
                case Protocol.ERROR_RESPONSE -> error = ErrorResponse.decode(Messages.body(frame));
                case Protocol.READY_FOR_QUERY -> {
                    ctx.pipeline().remove(framer).remove(this);
                    if (reading) {
                        outcome.read(settingsSize > SESSION_SETTINGS_LIMIT ? null : rows, error);
                    } else {
                        outcome.adopted(reported, error);
                    }
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

    /** A setting too long to frame here (over 1 MiB) is over the limit too; its bytes are skipped. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (reading && cause instanceof TooLongFrameException) {
            settingsSize = SESSION_SETTINGS_LIMIT + 1L;
            return;
        }
        outcome.failed("server", cause);
    }
}
