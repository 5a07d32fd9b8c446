package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class IniTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("LOGDIR", "/var/log/pg", "HOME", "/home/pg");

    private final Warnings warnings = new Warnings();

    private List<Ini.Section> parse(String... lines) throws ConfigException {
        return Ini.parse(new Source("test.conf", List.of(lines)), ENVIRONMENT::get, warnings);
    }

    private String value(String line) throws ConfigException {
        return parse("[pgagroal]", line).get(0).entries().values().iterator().next().value();
    }

    private static ConfigException error(ThrowingCallable code) {
        return catchThrowableOfType(ConfigException.class, code);
    }

    @Test
    void sectionsKeysCommentsAndBlankLines() throws ConfigException {
        List<Ini.Section> sections = parse(
                "# comment",
                "; another comment",
                "",
                "[pgagroal]",
                "  host = *   ",
                "port=2345",
                "   [primary]  # the primary",
                "host = localhost");
        assertThat(sections).extracting(Ini.Section::name).containsExactly("pgagroal", "primary");
        assertThat(sections.get(0).line()).isEqualTo(4);
        assertThat(sections.get(0).entries()).containsOnlyKeys("host", "port");
        assertThat(sections.get(0).entries().get("host")).isEqualTo(new Ini.Entry("host", "*", 5));
        assertThat(sections.get(0).entries().get("port").value()).isEqualTo("2345");
        assertThat(sections.get(1).entries().get("host").value()).isEqualTo("localhost");
        assertThat(warnings.list()).isEmpty();
    }

    @Test
    void inlineCommentsEndOrdinaryValues() throws ConfigException {
        assertThat(value("port = 2345 # the port")).isEqualTo("2345");
        assertThat(value("port = 2345# the port")).isEqualTo("2345");
        assertThat(value("port = 2345 ; the port")).isEqualTo("2345");
        assertThat(value("port = 2345;")).isEqualTo("2345");
    }

    @Test
    void quotedValuesKeepBlanksAndCommentCharacters() throws ConfigException {
        assertThat(value("log_line_prefix = \"%Y-%m-%d %H:%M:%S\"")).isEqualTo("%Y-%m-%d %H:%M:%S");
        assertThat(value("log_line_prefix = '# ; \"x\"'  # comment")).isEqualTo("# ; \"x\"");
        assertThat(value("host = \"\"")).isEmpty();
        assertThat(value("host =")).isEmpty();
    }

    @Test
    void textAfterAValueIsAnError() {
        ConfigException e = error(() -> parse("[pgagroal]", "log_line_prefix = %H:%M %S"));
        assertThat(e).hasMessage("test.conf:2: log_line_prefix: unexpected text after the value: \"%S\""
                + " (quote values that contain blanks)");
        assertThat(error(() -> parse("[pgagroal]", "host = \"a\" b")).line()).isEqualTo(2);
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertThat(error(() -> parse("[pgagroal]", "host = \"localhost")))
                .hasMessage("test.conf:2: host: unterminated quote");
        assertThat(error(() -> parse("[pgagroal]", "log_path = \"/var/log")))
                .hasMessage("test.conf:2: log_path: unterminated quote");
    }

    @Test
    void malformedLinesAreErrors() {
        assertThat(error(() -> parse("[pgagroal]", "host localhost")))
                .hasMessage("test.conf:2: expected \"key = value\" or \"[section]\", found \"host localhost\"");
        assertThat(error(() -> parse("[pgagroal]", "= value"))).hasMessage("test.conf:2: missing key before '='");
        assertThat(error(() -> parse("[pgagroal"))).hasMessage("test.conf:1: missing ']' in section header");
        assertThat(error(() -> parse("[ ]"))).hasMessage("test.conf:1: empty section name");
        assertThat(error(() -> parse("[a] b"))).hasMessage("test.conf:1: unexpected text after section header: \"b\"");
    }

    @Test
    void duplicateSectionIsAnError() {
        assertThat(error(() -> parse("[pgagroal]", "[primary]", "[primary]")))
                .hasMessage("test.conf:3: section [primary] already defined at line 2");
    }

    @Test
    void duplicateKeyWarnsAndTheLastWins() throws ConfigException {
        List<Ini.Section> sections = parse("[pgagroal]", "port = 1", "port = 2");
        assertThat(sections.get(0).entries().get("port")).isEqualTo(new Ini.Entry("port", "2", 3));
        assertThat(warnings.list()).containsExactly(
                "test.conf:3: port: set again in [pgagroal] (first at line 2), the last value wins");
    }

    @Test
    void keyOutsideAnySectionWarns() throws ConfigException {
        assertThat(parse("host = x", "[pgagroal]").get(0).entries()).isEmpty();
        assertThat(warnings.list()).containsExactly("test.conf:1: host: outside of any section, ignored");
    }

    @Test
    void pathValuesAreTheRestOfTheLineWithQuotesRemoved() throws ConfigException {
        assertThat(value("unix_socket_dir =   /tmp/my sockets  ")).isEqualTo("/tmp/my sockets");
        assertThat(value("log_path = \"/var/log/a b\"/c")).isEqualTo("/var/log/a b/c");
        assertThat(value("tls_cert_file = /etc/a\\ b")).isEqualTo("/etc/a b");
        assertThat(value("pidfile = \"it's\"")).isEqualTo("it's");
        assertThat(value("failover_script = /bin/fail # not a comment")).isEqualTo("/bin/fail # not a comment");
    }

    @Test
    void pathValuesExpandEnvironmentVariables() throws ConfigException {
        assertThat(value("log_path = $LOGDIR/pgagroal.log")).isEqualTo("/var/log/pg/pgagroal.log");
        assertThat(value("tls_key_file = \"$HOME/.pgagroal/key\"")).isEqualTo("/home/pg/.pgagroal/key");
        assertThat(value("tls_ca_file = '$HOME'/ca")).isEqualTo("$HOME/ca");
        assertThat(value("metrics_cert_file = \\$HOME/cert")).isEqualTo("$HOME/cert");
        assertThat(value("pidfile = /run/$/x$")).isEqualTo("/run/$/x$");
    }

    @Test
    void ordinaryValuesAreNotExpanded() throws ConfigException {
        assertThat(value("host = $HOME")).isEqualTo("$HOME");
    }

    @Test
    void undefinedVariableIsAnErrorNamingIt() {
        assertThat(error(() -> parse("[pgagroal]", "", "log_path = $NOPE/pgagroal.log")))
                .hasMessage("test.conf:3: log_path: environment variable NOPE is not defined");
    }
}
