package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pgagroal-cli's command table (spec §1.2): words to command ids and Request arguments. */
class CliRequestTest {

    private static CliRequest parse(String line) throws CliRequest.UsageException {
        return CliRequest.parse(List.of(line.split(" ")));
    }

    @Test
    void flushModesAndDatabase() throws Exception {
        assertThat(parse("flush").arguments()).isEqualTo(Map.of("Mode", 1, "Database", "*"));
        assertThat(parse("flush mydb").arguments()).isEqualTo(Map.of("Mode", 1, "Database", "mydb"));
        assertThat(parse("flush idle").arguments()).isEqualTo(Map.of("Mode", 0, "Database", "*"));
        assertThat(parse("flush all mydb").arguments()).isEqualTo(Map.of("Mode", 2, "Database", "mydb"));
        assertThat(parse("flush gracefully x").command()).isEqualTo(ManagementCommand.FLUSH);
    }

    @Test
    void theOtherCommands() throws Exception {
        assertThat(parse("ping").command()).isEqualTo(ManagementCommand.PING);
        assertThat(parse("enable").arguments()).isEqualTo(Map.of("Database", "*"));
        assertThat(parse("disable mydb").command()).isEqualTo(ManagementCommand.DISABLEDB);
        assertThat(parse("shutdown").command()).isEqualTo(ManagementCommand.GRACEFULLY);
        assertThat(parse("shutdown immediate").command()).isEqualTo(ManagementCommand.SHUTDOWN);
        assertThat(parse("shutdown cancel").command()).isEqualTo(ManagementCommand.CANCEL_SHUTDOWN);
        assertThat(parse("status").command()).isEqualTo(ManagementCommand.STATUS);
        assertThat(parse("status details").command()).isEqualTo(ManagementCommand.DETAILS);
        assertThat(parse("switch-to replica").arguments()).isEqualTo(Map.of("Server", "replica"));
        assertThat(parse("clear server").arguments()).as("pgagroal's quirk").isEqualTo(Map.of("Server", "server"));
        assertThat(parse("clear server replica").arguments()).isEqualTo(Map.of("Server", "replica"));
        assertThat(parse("clear replica").command()).isEqualTo(ManagementCommand.CLEAR_SERVER);
        assertThat(parse("clear prometheus").command()).isEqualTo(ManagementCommand.CLEAR);
        assertThat(parse("conf reload").command()).isEqualTo(ManagementCommand.RELOAD);
        assertThat(parse("conf ls").command()).isEqualTo(ManagementCommand.CONFIG_LS);
        assertThat(parse("conf alias").command()).isEqualTo(ManagementCommand.CONFIG_ALIAS);
        assertThat(parse("conf get").configKey()).isNull();
        assertThat(parse("conf get server.primary.port").configKey()).isEqualTo("server.primary.port");
        assertThat(parse("conf set log_level debug").arguments()).isEqualTo(Map.of("ConfigKey", "log_level", "ConfigValue", "debug"));
    }

    @Test
    void oursPauseResumeAndTerminate() throws Exception {
        assertThat(parse("pause").command()).isEqualTo(ManagementCommand.PAUSE);
        assertThat(parse("pause").arguments()).isEqualTo(Map.of("Database", "*"));
        assertThat(parse("pause mydb").arguments()).isEqualTo(Map.of("Database", "mydb"));
        assertThat(parse("resume mydb").command()).isEqualTo(ManagementCommand.RESUME);
        assertThat(parse("terminate 42").command()).isEqualTo(ManagementCommand.TERMINATE);
        assertThat(parse("terminate 42").arguments()).isEqualTo(Map.of("Session", 42L));
        assertThat(ManagementCommand.TERMINATE.id()).as("above pgagroal's ids").isGreaterThan(23);
        assertThatThrownBy(() -> parse("terminate")).hasMessageContaining("one session id");
        assertThatThrownBy(() -> parse("terminate abc")).hasMessageContaining("one session id");
        assertThatThrownBy(() -> parse("pause a b")).hasMessageContaining("unexpected argument(s) b");
    }

    @Test
    void wrongWordsAreRefused() {
        assertThatThrownBy(() -> parse("stop")).hasMessage("unknown command: stop");
        assertThatThrownBy(() -> parse("ping now")).hasMessageContaining("unexpected argument(s) now");
        assertThatThrownBy(() -> parse("switch-to")).hasMessageContaining("exactly one server");
        assertThatThrownBy(() -> parse("conf set log_level")).hasMessageContaining("a key and a value");
        assertThatThrownBy(() -> parse("shutdown later")).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> parse("flush idle a b")).hasMessageContaining("unexpected argument(s) b");
    }
}
