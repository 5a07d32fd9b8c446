package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Makes RESET return a parameter to the value the client gave at startup, where the connection it
 * runs on cannot. PostgreSQL's RESET, RESET ALL, SET ... TO DEFAULT and DISCARD ALL go back to each
 * parameter's reset value, and only a startup packet sets that: on a connection the pooler gave a
 * client's startup parameters with set_config (the transaction pipeline's, or one a session adopted),
 * they would go back to the server's defaults instead. So such a statement is replaced by a DO block
 * that does what it does and then sets the startup values again with set_config (which reads a value
 * as a startup packet does: a list stays a list). The block reports the command tag DO; the caller
 * renames that CommandComplete to the statement's own tag, so the client sees what PostgreSQL would
 * have shown it. A parameter's ParameterStatus is sent at the end of the statement only if its value
 * changed, so a reset that ends where it started reports nothing, as on a connection of its own.
 *
 * <p>A statement the startup values do not concern (RESET of a parameter the client did not give)
 * is left as it is: the server's default is then the right value.
 *
 * <p>The same replacement serves {@code DEALLOCATE name} in the transaction pipeline, whose
 * connections know a client's statement by a pooler-wide name: when the client has the statement,
 * the pooler forgets it and the DEALLOCATE becomes a DO block that does nothing, reported as
 * DEALLOCATE, as PostgreSQL would; any other DEALLOCATE goes as it is.
 */
public final class StartupResets {

    /** The parameters PostgreSQL reports or shows that no client may set: never replayed. */
    private static final List<String> READ_ONLY = List.of("is_superuser", "session_authorization", "role", "server_version",
            "server_version_num", "server_encoding", "integer_datetimes", "in_hot_standby");
    private static final StartupResets NONE = new StartupResets(Map.of());

    private final Map<String, String> values;

    private StartupResets(Map<String, String> values) {
        this.values = values;
    }

    /** For a client whose startup packet (and {@code options}) asked for these settings. */
    static StartupResets of(Map<String, String> settings) {
        Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        settings.forEach((name, value) -> {
            if (settable(name)) {
                values.put(name, value);
            }
        });
        return values.isEmpty() ? NONE : new StartupResets(Collections.unmodifiableMap(values));
    }

    /** Whether the pooler may give this parameter to a connection (read-only ones are never replayed). */
    public static boolean settable(String name) {
        return !READ_ONLY.contains(name);
    }

    /** The settable startup values, by name in any case. */
    Map<String, String> values() {
        return values;
    }

    boolean none() {
        return values.isEmpty();
    }

    /**
     * The Query or Parse in {@code message} with the resets its text holds that the startup values
     * concern replaced, and {@code tags} told; the message itself when none is (also when it is not
     * whole, only the head of a larger one having been read). A Parse holds one statement, and
     * DISCARD ALL is replaced only when {@code discardAll} says nothing else of the session would
     * end with it and it would not fail for running inside a transaction block.
     */
    ByteBuf rewrite(ByteBuf message, int length, Classification classification, boolean discardAll, ResetTags tags) {
        return rewrite(message, length, classification, discardAll, tags, statement -> false);
    }

    /**
     * {@link #rewrite(ByteBuf, int, Classification, boolean, ResetTags)}, where also a DEALLOCATE of
     * a statement for which {@code deallocatedHere} is true becomes a DO block that does nothing: the
     * pooler deallocated the client's statement itself (the predicate forgets it).
     */
    ByteBuf rewrite(ByteBuf message, int length, Classification classification, boolean discardAll, ResetTags tags,
            Predicate<String> deallocatedHere) {
        boolean parse = message.getByte(message.readerIndex()) == Protocol.PARSE;
        String name = parse ? Messages.readCString(Messages.body(message)) : null;
        List<ResetStatement> resets = classification.resets();
        if (resets.isEmpty() || message.readableBytes() != length + 1 || parse && !resets.get(0).alone()) {
            if (parse) {
                tags.parse(name, null);
            }
            return message;
        }
        int start = message.readerIndex();
        int end = start + 1 + length;
        int textStart = start + 5 + (parse ? ByteBufUtil.utf8Bytes(name) + 1 : 0);
        int textEnd = message.indexOf(textStart, end, (byte) 0);
        List<ResetStatement> replaced = new ArrayList<>(1);
        byte[] text = textEnd < 0 ? null : rewrite(message, textStart, textEnd, resets, discardAll, deallocatedHere, replaced);
        if (parse) {
            tags.parse(name, text == null ? null : replaced.get(0).tag());
        }
        if (text == null) {
            return message;
        }
        ByteBuf out = message.alloc().buffer(textStart - start + text.length + end - textEnd);
        out.writeBytes(message, start, textStart - start).writeBytes(text).writeBytes(message, textEnd, end - textEnd);
        out.setInt(1, out.readableBytes() - 1);
        message.release();
        if (!parse) {
            tags.query(replaced);
        }
        return out;
    }

    /**
     * The text from {@code start} to {@code end} of {@code text}, with the resets the startup values
     * concern replaced; null when none is.
     *
     * @param resets what the lexer found in that text
     * @param discardAll whether DISCARD ALL may be replaced too (it also ends what only a pinned
     *     session holds, and fails inside a transaction block, which a DO block would not)
     * @param replaced receives the resets replaced, in text order
     */
    private byte[] rewrite(ByteBuf text, int start, int end, List<ResetStatement> resets, boolean discardAll,
            Predicate<String> deallocatedHere, List<ResetStatement> replaced) {
        ByteArrayOutputStream out = null;
        int copied = start;
        for (ResetStatement reset : resets) {
            String block = block(reset, discardAll, deallocatedHere);
            if (block == null) {
                continue;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(end - start + block.length());
            }
            copy(text, copied, reset.start(), out);
            out.writeBytes(block.getBytes(StandardCharsets.UTF_8));
            copied = reset.end();
            replaced.add(reset);
        }
        if (out == null) {
            return null;
        }
        copy(text, copied, end, out);
        return out.toByteArray();
    }

    /** The DO block standing for the reset, or null when it stays as it is. */
    private String block(ResetStatement reset, boolean discardAll, Predicate<String> deallocatedHere) {
        return switch (reset.kind()) {
            case PARAMETER -> {
                String value = values.get(reset.parameter());
                yield value == null ? null : doBlock("", List.of(setConfig(reset.parameter(), value, reset.local())));
            }
            case ALL -> none() ? null : doBlock("RESET ALL; ", all());
            case DISCARD_ALL -> discardAll && reset.alone() && !none() ? doBlock("RESET ALL; ", all()) : null;
            case DEALLOCATE -> deallocatedHere.test(reset.parameter()) ? doBlock("", List.of()) : null;
        };
    }

    private List<String> all() {
        return calls(values);
    }

    private static List<String> calls(Map<String, String> settings) {
        List<String> calls = new ArrayList<>(settings.size());
        settings.forEach((name, value) -> calls.add(setConfig(name, value, false)));
        return calls;
    }

    /** One statement setting the parameters (a null value: the reset value) for the session, which reports one row. */
    public static String setConfigs(Map<String, String> settings) {
        return "SELECT " + String.join(", ", calls(settings));
    }

    /** The statement that gives every startup value back (see {@link #setConfigs}). */
    String restore() {
        return setConfigs(values);
    }

    /** A call of set_config giving the parameter the value (null: its reset value) for the session or, if local, the transaction. */
    private static String setConfig(String name, String value, boolean local) {
        return "pg_catalog.set_config(" + literal(name) + ", " + (value == null ? "NULL" : literal(value)) + ", " + local + ")";
    }

    /** A DO block whose dollar quote no value can end. */
    private static String doBlock(String first, List<String> calls) {
        String body = first + (calls.isEmpty() ? "" : "PERFORM " + String.join(", ", calls) + "; ");
        String tag = "$pgagroal$";
        for (int i = 1; body.contains(tag); i++) {
            tag = "$pgagroal" + i + "$";
        }
        return "DO " + tag + "BEGIN " + body + "END" + tag;
    }

    /** An escape string literal, right whatever standard_conforming_strings says. */
    private static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static void copy(ByteBuf text, int from, int to, ByteArrayOutputStream out) {
        if (to > from) {
            byte[] bytes = new byte[to - from];
            text.getBytes(from, bytes);
            out.writeBytes(bytes);
        }
    }
}
