package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * The tokens of SQL text, read in place from a ByteBuf one at a time, by PostgreSQL's lexical rules
 * as far as they decide where a token starts and ends: comments (block comments nest), string
 * constants in all their forms (E'' with backslash escapes, U&'', B'', X'', N'', dollar
 * quotes), quoted identifiers, parameters. Only ASCII bytes have a meaning; any byte of 0x80 and
 * above is an identifier character, so the text may be in any encoding whose multibyte characters
 * are made of such bytes (UTF-8, the EUC and single-byte ones). In SJIS, BIG5, GBK, UHC and GB18030
 * the second byte of a character may be ASCII: a letter or digit does no harm, but a backslash
 * inside an E'' string would be read as an escape. Text that ends inside a token (a query cut
 * short) ends the token there.
 *
 * <p>It keeps the current token's bounds only, so reading allocates nothing; {@link #name()}
 * allocates the one string asked for. It counts parentheses because a {@code ;} inside them (the
 * actions of a CREATE RULE) does not end the statement. Operators and numbers are {@link #OTHER}
 * tokens, an operator one byte a token.
 */
final class SqlTokens {

    static final int END = 0;
    /** An unquoted identifier or keyword. */
    static final int WORD = 1;
    /** A quoted identifier. */
    static final int QUOTED = 2;
    static final int STRING = 3;
    static final int OTHER = 4;

    private static final ByteProcessor IDENTIFIER_PART = SqlTokens::identifierPart;

    private ByteBuf text;
    private int end;
    private int position;
    private int depth;
    private int kind;
    private int start;
    private int contentStart;
    private int contentEnd;
    /** The quote that, doubled, stands for itself in the current token; 0 for none. */
    private byte quote;
    /** Whether a backslash escapes the next byte in the current token (an E'' string). */
    private boolean backslashes;
    /** The length of the current token if it is a {@link #WORD}, else -1: most keyword tests end on it. */
    private int wordLength;

    /** Starts reading {@code text} from {@code index} to {@code end}; null stops holding a buffer. */
    void reset(ByteBuf text, int index, int end) {
        this.text = text;
        this.end = end;
        position = index;
        depth = 0;
        kind = END;
    }

    /** Moves to the next token and returns its kind. */
    int next() {
        position = skipSpaceAndComments(position);
        start = position;
        quote = 0;
        backslashes = false;
        wordLength = -1;
        if (position == end) {
            return kind = END;
        }
        byte b = at(position);
        if (b == '\'' || b == '"') {
            return quoted(b == '"' ? QUOTED : STRING, position + 1, b, false);
        }
        if (b == '$' && !digit(peek(position + 1))) {
            int tag = dollarTag(position + 1);
            if (tag >= 0) {
                return dollarQuoted(tag + 1);
            }
        }
        if (identifierStart(b)) {
            return prefixed(b);
        }
        position = b == '$' || digit(b) ? identifierEnd(position + 1) : position + 1;
        if (b == '(') {
            depth++;
        } else if (b == ')' && depth > 0) {
            depth--;
        }
        return kind = OTHER;
    }

    /** How many parentheses are open, the current token's included when it opens one. */
    int depth() {
        return depth;
    }

    int kind() {
        return kind;
    }

    /** Where the current token starts in the buffer (the end of the text at {@link #END}). */
    int start() {
        return start;
    }

    /** Whether the current token ends a statement: the end of the text, or a {@code ;} outside parentheses. */
    boolean endOfStatement() {
        return kind == END || depth == 0 && symbol(';');
    }

    /** Whether the current token is the unquoted keyword or identifier, given in lower case. */
    boolean is(String keyword) {
        return wordLength == keyword.length() && equals(keyword, true);
    }

    /** Moves past the current token if it {@link #is} the keyword. */
    boolean accept(String keyword) {
        if (!is(keyword)) {
            return false;
        }
        next();
        return true;
    }

    /** Whether the current token names the identifier, given in lower case: unquoted in any case, or quoted. */
    boolean isIdentifier(String name) {
        return is(name) || kind == QUOTED && contentEnd - contentStart == name.length() && equals(name, false);
    }

    /** Whether the next token starts with the ASCII character: looks ahead without moving. */
    boolean followedBy(char c) {
        return peek(skipSpaceAndComments(position)) == c;
    }

    /** Whether the current token is the ASCII punctuation or operator character. */
    boolean symbol(char c) {
        return kind == OTHER && at(start) == c;
    }

    /**
     * The identifier or string the current token stands for, read as UTF-8: an unquoted identifier
     * in lower case (ASCII letters only, as PostgreSQL folds them in a multibyte encoding), a quoted
     * one or a string constant without its quotes and escapes; null for other tokens.
     */
    String name() {
        if (kind != WORD && kind != QUOTED && kind != STRING) {
            return null;
        }
        byte[] bytes = new byte[contentEnd - contentStart];
        int length = 0;
        for (int i = contentStart; i < contentEnd; i++) {
            byte b = at(i);
            if (kind == WORD && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            } else if ((b == quote || b == '\\' && backslashes) && i + 1 < contentEnd) {
                b = at(++i);
            }
            bytes[length++] = b;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Whether the content, as long as {@code name}, is {@code name}. */
    private boolean equals(String name, boolean foldCase) {
        for (int i = 0; i < name.length(); i++) {
            byte b = at(contentStart + i);
            if (foldCase && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A word, or a string or quoted identifier introduced by a letter: E'', B'', X'', N'', U&'', U&"". */
    private int prefixed(byte b) {
        byte letter = (byte) (b | 0x20);
        byte second = peek(position + 1);
        if (second == '\'' && (letter == 'e' || letter == 'b' || letter == 'x' || letter == 'n')) {
            return quoted(STRING, position + 2, second, letter == 'e');
        }
        if (letter == 'u' && second == '&') {
            byte third = peek(position + 2);
            if (third == '\'' || third == '"') {
                return quoted(third == '"' ? QUOTED : STRING, position + 3, third, false);
            }
        }
        position = identifierEnd(position + 1);
        wordLength = position - start;
        contentStart = start;
        contentEnd = position;
        return kind = WORD;
    }

    /** Reads to the closing quote; a doubled quote, or with backslashes a backslash, escapes the next byte. */
    private int quoted(int kind, int from, byte quote, boolean backslashes) {
        this.quote = quote;
        this.backslashes = backslashes;
        contentStart = from;
        int i = from;
        while (i < end) {
            byte b = at(i);
            if (b == '\\' && backslashes || b == quote && i + 1 < end && at(i + 1) == quote) {
                i += 2;
            } else if (b == quote) {
                contentEnd = i;
                position = i + 1;
                return this.kind = kind;
            } else {
                i++;
            }
        }
        contentEnd = end;
        position = end;
        return this.kind = kind;
    }

    /** @return the index of the {@code $} that closes the tag of a dollar quote starting before {@code from}, or -1 */
    private int dollarTag(int from) {
        int i = from;
        while (i < end && at(i) != '$' && identifierPart(at(i))) {
            i++;
        }
        return i < end && at(i) == '$' ? i : -1;
    }

    /** Reads a dollar-quoted string to the closing tag, the bytes from {@code start} before {@code from}. */
    private int dollarQuoted(int from) {
        int tagLength = from - start;
        contentStart = from;
        for (int i = from; i + tagLength <= end; i++) {
            if (at(i) == '$' && sameTag(i, tagLength)) {
                contentEnd = i;
                position = i + tagLength;
                return kind = STRING;
            }
        }
        contentEnd = end;
        position = end;
        return kind = STRING;
    }

    private boolean sameTag(int index, int tagLength) {
        for (int i = 1; i < tagLength; i++) {
            if (at(index + i) != at(start + i)) {
                return false;
            }
        }
        return true;
    }

    private int skipSpaceAndComments(int i) {
        while (i < end) {
            byte b = at(i);
            if (b == ' ' || b >= '\t' && b <= '\r') {
                i++;
            } else if (b == '-' && peek(i + 1) == '-') {
                while (i < end && at(i) != '\n' && at(i) != '\r') {
                    i++;
                }
            } else if (b == '/' && peek(i + 1) == '*') {
                i = blockCommentEnd(i + 2);
            } else {
                break;
            }
        }
        return i;
    }

    private int blockCommentEnd(int from) {
        int nesting = 1;
        int i = from;
        while (i + 1 < end) {
            byte b = at(i);
            byte next = at(i + 1);
            if (b == '/' && next == '*') {
                nesting++;
                i += 2;
            } else if (b == '*' && next == '/') {
                i += 2;
                if (--nesting == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return end;
    }

    private int identifierEnd(int from) {
        int i = text.forEachByte(from, end - from, IDENTIFIER_PART);
        return i < 0 ? end : i;
    }

    private byte at(int index) {
        return text.getByte(index);
    }

    /** The byte at {@code index}, or 0 (never a byte of SQL text) past the end. */
    private byte peek(int index) {
        return index < end ? at(index) : 0;
    }

    private static boolean identifierStart(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b < 0;
    }

    private static boolean identifierPart(byte b) {
        return identifierStart(b) || digit(b) || b == '$';
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
