package io.pgagroal.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Protocol messages as bytes, for tests that feed or expect raw streams. */
public final class ProtocolBytes {

    private ProtocolBytes() {
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public static byte[] cstring(String value) {
        return (value + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** A message: type byte, length, and the body parts. */
    public static byte[] message(char type, byte[]... body) {
        byte[] content = concat(body);
        return concat(new byte[] {(byte) type}, int32(4 + content.length), content);
    }

    public static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    /** Parse with no parameter type, or one when {@code type} is not 0. */
    public static byte[] parse(String name, String query, int type) {
        return type == 0 ? message('P', cstring(name), cstring(query), new byte[] {0, 0})
                : message('P', cstring(name), cstring(query), new byte[] {0, 1}, int32(type));
    }

    /** Bind with no parameter and no result format. */
    public static byte[] bind(String portal, String statement) {
        return message('B', cstring(portal), cstring(statement), new byte[] {0, 0, 0, 0, 0, 0});
    }

    /** Close of a prepared statement. */
    public static byte[] closeStatement(String name) {
        return message('C', new byte[] {'S'}, cstring(name));
    }

    public static byte[] execute() {
        return message('E', cstring(""), int32(0));
    }

    public static byte[] sync() {
        return message('S');
    }

    public static byte[] dataRow(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return message('D', new byte[] {0, 1}, int32(bytes.length), bytes);
    }

    public static byte[] commandComplete(String tag) {
        return message('C', cstring(tag));
    }

    public static byte[] parameterStatus(String name, String value) {
        return message('S', cstring(name), cstring(value));
    }

    public static byte[] readyForQuery(char status) {
        return message('Z', new byte[] {(byte) status});
    }

    public static byte[] error(String severity, String code, String text) {
        return message('E', cstring("S" + severity), cstring("V" + severity), cstring("C" + code), cstring("M" + text), new byte[] {0});
    }

    /** Everything written to the channel so far, its buffers released. */
    public static byte[] outbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }
}
