package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

    public static byte[] withParameters(byte[] replay, Map<String, String> reported) {
        Map<String, String> pending = new LinkedHashMap<>(reported);
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        ByteArrayOutputStream out = new ByteArrayOutputStream(replay.length + 64 * reported.size());
        while (in.isReadable()) {
            byte type = in.getByte(in.readerIndex());
            int length = in.getInt(in.readerIndex() + 1);
            byte[] message = ByteBufUtil.getBytes(in.readSlice(1 + length));
            if (type == Protocol.PARAMETER_STATUS) {
                String name = parameter(Unpooled.wrappedBuffer(message, 5, length - 4)).getKey();
                String value = pending.remove(name);
                out.writeBytes(value == null ? message : parameterStatus(name, value));
            } else {
                if (type == Protocol.BACKEND_KEY_DATA || type == Protocol.READY_FOR_QUERY) {
                    pending.forEach((name, value) -> out.writeBytes(parameterStatus(name, value)));
                    pending.clear();
                }
                out.writeBytes(message);
            }
        }
        return out.toByteArray();
    }

    /** The parameters the ParameterStatus messages of a replay report. */
    public static Map<String, String> parameters(byte[] replay) {
        Map<String, String> parameters = new LinkedHashMap<>();
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        while (in.readableBytes() >= 5) {
            byte type = in.getByte(in.readerIndex());
            int length = in.getInt(in.readerIndex() + 1);
            ByteBuf message = in.readSlice(1 + length);
            if (type == Protocol.PARAMETER_STATUS) {
                Map.Entry<String, String> parameter = parameter(message.slice(5, length - 4));
                parameters.put(parameter.getKey(), parameter.getValue());
            }
        }
        return parameters;
    }

    /** The replay with its BackendKeyData replaced: the transaction pipeline gives clients its own keys. */
    public static byte[] withBackendKey(byte[] replay, int processId, int secretKey) {
        byte[] copy = replay.clone();
        ByteBuf in = Unpooled.wrappedBuffer(copy);
        while (in.readableBytes() >= 5) {
            int start = in.readerIndex();
            int length = in.getInt(start + 1);
            if (in.getByte(start) == Protocol.BACKEND_KEY_DATA) {
                in.setInt(start + 5, processId).setInt(start + 9, secretKey);
            }
            in.skipBytes(1 + length);
        }
        return copy;
    }

    /** Reads a ParameterStatus body (name, value) without moving the buffer's indexes. */
    public static Map.Entry<String, String> parameter(ByteBuf body) {
        ByteBuf buf = body.duplicate();
        return Map.entry(Messages.readCString(buf), Messages.readCString(buf));
    }

    private static byte[] parameterStatus(String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + n.length + 1 + v.length + 1)
                .put(Protocol.PARAMETER_STATUS).putInt(4 + n.length + 1 + v.length + 1)
                .put(n).put((byte) 0).put(v).put((byte) 0).array();
    }
}
