package io.pgagroal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the document a command answers with, in the two forms of the pgagroal tools (spec §1.2):
 * pretty JSON with sorted keys and a two-space indent, or a YAML-like text with {@code Key: value}
 * lines, nested objects indented by two spaces and array elements as {@code - } bullets.
 * Values are maps, collections (of scalars or maps), strings, numbers and booleans. pgagroal-cli
 * prints the management documents with it too.
 */
public final class Output {

    private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");
    private static final ObjectWriter JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
                    .withObjectIndenter(INDENT)
                    .withArrayIndenter(INDENT));

    private Output() {
    }

    public static String json(Map<String, ?> document) {
        try {
            return JSON.writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + document, e);
        }
    }

    public static String text(Map<String, ?> document) {
        StringBuilder text = new StringBuilder();
        append(text, document, "");
        return text.toString();
    }

    private static void append(StringBuilder text, Map<String, ?> object, String indent) {
        for (Map.Entry<String, ?> entry : new TreeMap<>(object).entrySet()) {
            text.append(indent).append(entry.getKey()).append(':');
            if (entry.getValue() instanceof Map<?, ?> map && !map.isEmpty()) {
                text.append('\n');
                @SuppressWarnings("unchecked")
                Map<String, ?> nested = (Map<String, ?>) map;
                append(text, nested, indent + "  ");
            } else if (entry.getValue() instanceof Collection<?> list && !list.isEmpty()) {
                text.append('\n');
                for (Object element : list) {
                    appendElement(text, element, indent + "  ");
                }
            } else {
                text.append(' ').append(scalar(entry.getValue())).append('\n');
            }
        }
    }

    /** A bullet; an object's first key goes on the bullet's line, the others below it. */
    private static void appendElement(StringBuilder text, Object element, String indent) {
        if (element instanceof Map<?, ?> map && !map.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, ?> object = (Map<String, ?>) map;
            StringBuilder nested = new StringBuilder();
            append(nested, object, indent + "  ");
            text.append(indent).append("- ").append(nested, indent.length() + 2, nested.length());
        } else {
            text.append(indent).append("- ").append(scalar(element)).append('\n');
        }
    }

    private static String scalar(Object value) {
        return value instanceof Map ? "{}"
                : value instanceof Collection ? "[]"
                : "".equals(value) ? "''"
                : String.valueOf(value);
    }
}
