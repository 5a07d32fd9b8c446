package io.pgagroal.management;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.admin.Output;
import java.util.Map;

/**
 * How pgagroal-cli prints an answer (spec §1.2): {@code text} (YAML-like), {@code json} (pretty,
 * sorted keys, Header codes rewritten as words) or {@code raw} (the same JSON without that
 * rewriting); {@code conf get <key>} and {@code conf alias} have their own text forms.
 */
final class CliOutput {

    /** What to print and the exit status. */
    record Printed(String text, int status) {
    }

    private static final String[] OUTPUTS = {"text", "json"};
    private static final String[] COMPRESSIONS = {"none", "gzip", "zstd", "lz4", "bzip2"};
    private static final String[] ENCRYPTIONS = {"none", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc"};

    private CliOutput() {
    }

    static Printed print(ObjectNode answer, CliRequest request, int format) {
        boolean succeeded = answer.path("Outcome").path("Status").asBoolean(false);
        if (request.command() == ManagementCommand.CONFIG_GET && request.configKey() != null) {
            return configValue(answer, request.configKey(), format);
        }
        int status = request.command() == ManagementCommand.CONFIG_SET && !succeeded ? 1 : 0;
        if (format == Documents.OUTPUT_TEXT && request.command() == ManagementCommand.CONFIG_SET && succeeded) {
            return new Printed(configSet(answer.path("Response")), status);
        }
        if (format == Documents.OUTPUT_TEXT && request.command() == ManagementCommand.CONFIG_ALIAS && succeeded) {
            return new Printed(aliases(answer.path("Response").path("Databases")), status);
        }
        return new Printed(render(answer, format), status);
    }

    static String render(ObjectNode answer, int format) {
        return switch (format) {
            case Documents.OUTPUT_JSON -> Output.json(map(words(answer.deepCopy())));
            case Documents.OUTPUT_RAW -> Output.json(map(answer));
            default -> Output.text(map(answer));
        };
    }

    /**
     * {@code conf get <key>}: text prints the value alone (or {@code Error}); json and raw print the
     * document with Response reduced to {key: value}. Exit status 1 when the key is unknown.
     * Keys: {@code key}, {@code pgagroal.key}, {@code server.<name>.<key>}, {@code hba.<user>.<key>},
     * {@code limit.<database>.<key>}, or a section alone.
     */
    private static Printed configValue(ObjectNode answer, String key, int format) {
        JsonNode value = answer.path("Response");
        String path = key.startsWith("pgagroal.") ? key.substring("pgagroal.".length()) : key;
        for (String part : path.split("\\.", -1)) {
            value = value.path(part);
        }
        boolean found = answer.path("Outcome").path("Status").asBoolean(false) && !value.isMissingNode();
        if (format == Documents.OUTPUT_TEXT) {
            return new Printed((found ? (value.isValueNode() ? value.asText() : Output.text(map(value))).strip() : "Error") + "\n",
                    found ? 0 : 1);
        }
        ObjectNode reduced = answer.deepCopy();
        ObjectNode response = reduced.putObject("Response");
        if (found) {
            response.set(key, value);
        } else {
            ((ObjectNode) reduced.path("Outcome")).put("Status", false);
        }
        return new Printed(render(reduced, format), found ? 0 : 1);
    }

    /** pgagroal's blocks for a {@code conf set} that was applied, or that waits for a restart. */
    private static String configSet(JsonNode response) {
        boolean restart = response.path("restart_required").asBoolean();
        return restart
                ? "Configuration change requires manual restart\n  Parameter: %s\n  Current value: %s\n  Requested value: %s\n  Status: %s\n"
                        .formatted(response.path("config_key").asText(), response.path("current_value").asText(),
                                response.path("requested_value").asText(), response.path("status").asText())
                : "Configuration change applied successfully\n  Parameter: %s\n  Old value: %s\n  New value: %s\n  Status: %s\n"
                        .formatted(response.path("config_key").asText(), response.path("old_value").asText(),
                                response.path("new_value").asText(), response.path("status").asText());
    }

    /** {@code # DATABASE=ALIASES  USER  MAX  INIT  MIN} and a row per limit entry. */
    private static String aliases(JsonNode databases) {
        StringBuilder text = new StringBuilder("# DATABASE=ALIASES  USER  MAX  INIT  MIN\n");
        databases.properties().forEach(entry -> {
            JsonNode limit = entry.getValue();
            StringBuilder aliases = new StringBuilder();
            limit.path("aliases").forEach(alias -> aliases.append(aliases.isEmpty() ? "" : ",").append(alias.asText()));
            text.append(entry.getKey()).append('=').append(aliases).append("  ").append(limit.path("username").asText())
                    .append("  ").append(limit.path("max_size").asText()).append("  ").append(limit.path("initial_size").asText())
                    .append("  ").append(limit.path("min_size").asText()).append('\n');
        });
        return text.toString();
    }

    private static ObjectNode words(ObjectNode document) {
        if (document.path("Header") instanceof ObjectNode header) {
            header.put("Command", ManagementCommand.of(header.path("Command").asInt()).orElse(ManagementCommand.UNKNOWN).word());
            word(header, "Output", OUTPUTS);
            word(header, "Compression", COMPRESSIONS);
            word(header, "Encryption", ENCRYPTIONS);
        }
        return document;
    }

    private static void word(ObjectNode header, String field, String[] words) {
        int code = header.path(field).asInt(-1);
        if (code >= 0 && code < words.length) {
            header.put(field, words[code]);
        }
    }

    private static Map<String, Object> map(JsonNode node) {
        return Documents.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }
}
