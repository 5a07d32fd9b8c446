package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * doc/CONFIGURATION.md carries one table per section generated from {@link Setting}, between marker
 * comments. This test regenerates the tables and fails when the document differs, so a new or changed
 * setting cannot go undocumented.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("doc/CONFIGURATION.md");

    static String table(Setting.Section section) {
        StringBuilder table = new StringBuilder()
                .append("| Key | Type | Default | Unit | Applied on | Description |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (Setting setting : Setting.values()) {
            if (setting.section() != section) {
                continue;
            }
            String type = setting.type() == Setting.Type.ENUM
                    ? "enum: " + String.join(", ", setting.allowedValues())
                    : setting.type().name().toLowerCase(Locale.ROOT);
            String defaultValue = setting.required() ? "required"
                    : setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`";
            table.append("| `").append(setting.key()).append("` | ").append(type)
                    .append(" | ").append(defaultValue)
                    .append(" | ").append(setting.unit())
                    .append(" | ").append(setting.reloadable() ? "reload" : "restart")
                    .append(" | ").append(escape(setting.description())).append(" |\n");
        }
        return table.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String generated(String document, String name) {
        String begin = "<!-- generated from Setting: " + name + " -->\n";
        String end = "<!-- end of generated table -->";
        int from = document.indexOf(begin);
        assertThat(from).as("marker " + begin.strip()).isNotNegative();
        from += begin.length();
        return document.substring(from, document.indexOf(end, from));
    }

    @Test
    void tablesMatchTheSettings() throws IOException {
        String document = Files.readString(DOC);
        assertThat(generated(document, "main")).isEqualTo(table(Setting.Section.MAIN));
        assertThat(generated(document, "server")).isEqualTo(table(Setting.Section.SERVER));
    }
}
