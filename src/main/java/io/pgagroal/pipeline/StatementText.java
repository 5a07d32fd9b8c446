package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.Protocol;
import java.util.List;

/**
 * Where the SQL text of a Query or Parse lies in the first bytes of its body, for
 * {@link StatementLexer}: a Query's body is the text, a Parse's is the statement name, then the
 * text, each ending with a zero byte. The bytes may be only the head of a longer body.
 */
final class StatementText {

    private StatementText() {
    }

    /**
     * Classifies the text of a Query or Parse whose head (from the type byte, possibly cut short)
     * is {@code message}.
     */
    static Classification classify(ByteBuf message, int length) {
        int start = message.readerIndex();
        return classify(message.getByte(start), message, start + 5, Math.min(message.readableBytes() - 5, length - 4));
    }

    /**
     * The databases a DROP, CREATE or ALTER DATABASE at the start of this Query or Parse names
     * (see {@link Classification#databases}). Only a text whose first word may be one of those is
     * lexed; for every other the cost is a few byte comparisons.
     *
     * @param index where the body starts in {@code body}
     * @param length how many bytes of it are there
     */
    static List<String> databases(byte type, ByteBuf body, int index, int length) {
        int end = index + length;
        int i = start(type, body, index, end);
        while (i < end && whitespace(body.getByte(i))) {
            i++;
        }
        if (i == end) {
            return List.of();
        }
        return switch (body.getByte(i)) {
            case 'a', 'A', 'c', 'C', 'd', 'D', '/', '-' -> classify(type, body, index, length).databases();
            default -> List.of();
        };
    }

    private static Classification classify(byte type, ByteBuf body, int index, int length) {
        int end = index + length;
        int start = start(type, body, index, end);
        int zero = body.indexOf(start, end, (byte) 0);
        return StatementLexer.classify(body, start, (zero < 0 ? end : zero) - start);
    }

    /** Where the text starts: after a Parse's statement name; {@code end} if the head ends first. */
    private static int start(byte type, ByteBuf body, int index, int end) {
        if (type != Protocol.PARSE) {
            return index;
        }
        int zero = body.indexOf(index, end, (byte) 0);
        return zero < 0 ? end : zero + 1;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f';
    }
}
