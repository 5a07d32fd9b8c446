package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rewrites the startup messages a pooled connection replays (AuthenticationOk, ParameterStatus...,
 * BackendKeyData, ReadyForQuery) with other ParameterStatus values: those PostgreSQL reported when a
 * client's parameters were applied to a base connection. Existing parameters keep their place; new
 * ones go before BackendKeyData.
 */
public final class StartupReplay {

    private StartupReplay() {
    }

    /**
     * The replay with the values of its ParameterStatus messages replaced; a parameter it does not
     * report is not added, as PostgreSQL reports only its own set of parameters.
     */
    public static byte[] withParameters(byte[] replay, Map<String, String> reported) {
        Map<String, String> pending = new LinkedHashMap<>(reported);
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        ByteBuf out = Unpooled.buffer(replay.length + 64 * reported.size());
        while (in.isReadable()) {
            ByteBuf message = next(in);
            byte type = message.getByte(0);
            if (type == Protocol.PARAMETER_STATUS) {
                String name = ParameterStatus.decode(Messages.body(message)).name();
                String value = pending.remove(name);
                if (value == null) {
                    out.writeBytes(message);
                } else {
                    append(out, new ParameterStatus(name, value).encode(out.alloc()));
                }
            } else {
                out.writeBytes(message);
            }
        }
        return ByteBufUtil.getBytes(out);
    }

    /** The parameters the ParameterStatus messages of a replay report. */
    public static Map<String, String> parameters(byte[] replay) {
        Map<String, String> parameters = new LinkedHashMap<>();
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        while (in.isReadable()) {
            ByteBuf message = next(in);
            if (message.getByte(0) == Protocol.PARAMETER_STATUS) {
                ParameterStatus parameter = ParameterStatus.decode(Messages.body(message));
                parameters.put(parameter.name(), parameter.value());
            }
        }
        return parameters;
    }

    /** The replay with its BackendKeyData replaced: the transaction pipeline gives clients its own keys. */
    public static byte[] withBackendKey(byte[] replay, BackendKeyData key) {
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        ByteBuf out = Unpooled.buffer(replay.length);
        while (in.isReadable()) {
            ByteBuf message = next(in);
            if (message.getByte(0) == Protocol.BACKEND_KEY_DATA) {
                append(out, key.encode(out.alloc()));
            } else {
                out.writeBytes(message);
            }
        }
        return ByteBufUtil.getBytes(out);
    }

    /** The next whole message of a replay: type byte, length and body. */
    private static ByteBuf next(ByteBuf replay) {
        return replay.readSlice(1 + replay.getInt(replay.readerIndex() + 1));
    }

    private static void append(ByteBuf out, ByteBuf message) {
        out.writeBytes(message);
        message.release();
    }
}
