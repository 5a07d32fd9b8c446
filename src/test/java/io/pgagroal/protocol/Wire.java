package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.function.Function;

/** Bytes for message tests: bodies from hex, framing checks, and the malformed-input checks every decoder shares. */
final class Wire {

    private Wire() {
    }

    /** A body from hex digits, between other bytes outside its reader and writer indexes, which decoders must respect. */
    static ByteBuf hex(String digits) {
        byte[] bytes = HexFormat.of().parseHex(digits.replace(" ", ""));
        ByteBuf padded = Unpooled.buffer(bytes.length + 6).writeBytes(new byte[] {1, 2, 3}).writeBytes(bytes).writeBytes(new byte[] {4, 5, 6});
        return padded.setIndex(3, 3 + bytes.length);
    }

    /** Decodes and checks that the decoder moved neither index. */
    static <T> T decode(Function<ByteBuf, T> decoder, ByteBuf body) {
        int reader = body.readerIndex();
        int writer = body.writerIndex();
        T message = decoder.apply(body);
        assertThat(body.readerIndex()).as("reader index").isEqualTo(reader);
        assertThat(body.writerIndex()).as("writer index").isEqualTo(writer);
        return message;
    }

    /** The whole message's bytes, after checking its type byte and length; the message is released. */
    static byte[] framed(ByteBuf message, char type) {
        try {
            assertThat((char) message.getByte(message.readerIndex())).as("type byte").isEqualTo(type);
            assertThat(message.getInt(message.readerIndex() + 1)).as("length counts itself and the body").isEqualTo(message.readableBytes() - 1);
            return ByteBufUtil.getBytes(message);
        } finally {
            message.release();
        }
    }

    /** The body of a whole message, after checking its type byte and length; the message is released. */
    static ByteBuf body(ByteBuf message, char type) {
        byte[] bytes = framed(message, type);
        return Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5);
    }

    /** Every strict prefix of a valid body, as if the message were cut short, fails with a message naming the type. */
    static void everyTruncationFails(Function<ByteBuf, ?> decoder, ByteBuf body, String messageType) {
        for (int length = 0; length < body.readableBytes(); length++) {
            ByteBuf prefix = body.slice(body.readerIndex(), length);
            assertThatThrownBy(() -> decoder.apply(prefix)).as("first %d bytes", length)
                    .isInstanceOf(ProtocolException.class).hasMessageStartingWith("malformed " + messageType);
        }
    }

    /** A body with trailing bytes fails. */
    static void trailingBytesFail(Function<ByteBuf, ?> decoder, ByteBuf body, String messageType) {
        ByteBuf longer = Unpooled.buffer().writeBytes(body, body.readerIndex(), body.readableBytes()).writeByte(0x41);
        assertThatThrownBy(() -> decoder.apply(longer)).isInstanceOf(ProtocolException.class)
                .hasMessage("malformed " + messageType + ": unexpected bytes after the last field: 1");
    }
}
