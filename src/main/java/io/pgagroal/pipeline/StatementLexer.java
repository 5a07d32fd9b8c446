package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * TODO(lexer helper): a small lexer over SQL text, not a parser.
 */
public final class StatementLexer {

    private StatementLexer() {
    }

    /**
     * Classifies the statements in {@code length} bytes of SQL text starting at {@code index} of
     * {@code text} (the query of a Query or Parse, without its terminating zero; possibly only the
     * head of a longer text). Reads without changing the buffer's indexes.
     */
    public static Classification classify(ByteBuf text, int index, int length) {
        return Classification.PLAIN;
    }
}
