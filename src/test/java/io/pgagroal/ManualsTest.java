package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.management.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the build writes at package time: a completion script and a man page per program. */
class ManualsTest {

    @TempDir
    Path dir;

    @Test
    void everyProgramGetsACompletionScriptAndAManPage() throws Exception {
        Manuals.write(dir);
        for (String program : List.of("pgagroal", "pgagroal-cli", "pgagroal-admin")) {
            String completion = Files.readString(dir.resolve("completion/" + program + ".bash"));
            assertThat(completion).contains("complete -F _complete_" + program + " ").contains("ZSH_VERSION");
            String man = Files.readString(dir.resolve("man/" + program + ".adoc"));
            assertThat(man).contains(":doctype: manpage").contains("= " + program + "(1)").contains("== Synopsis");
        }
        assertThat(Files.readString(dir.resolve("man/pgagroal-cli.adoc"))).contains("switch-to <server>").contains("terminate <id>");
    }

    /** The commands are those the cli's help lists under "Commands:", each a word the completion offers. */
    @Test
    void theCliCompletionNamesEveryCommand() throws Exception {
        Manuals.write(dir);
        String completion = Files.readString(dir.resolve("completion/pgagroal-cli.bash"));
        Matcher offered = Pattern.compile("local COMMAND_pos_param_args=\\(([^)]*)\\)").matcher(completion);
        assertThat(offered.find()).as(completion).isTrue();
        String help = new CommandLine(new Cli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> commands = help.substring(help.indexOf("Commands:")).lines().skip(1)
                .filter(line -> line.matches("  \\S.*")).map(line -> line.strip().split("\\s+")[0]).distinct().toList();
        assertThat(commands).contains("flush", "status", "switch-to", "conf", "pause", "resume", "terminate").hasSize(12);
        for (String command : commands) {
            assertThat(offered.group(1)).as(command).contains("\"" + command + "\"");
        }
        assertThat(offered.group(1)).contains("\"gracefully\"", "\"details\"", "\"prometheus\"", "\"reload\"")
                .doesNotContain("\"database\"", "\"key\"");
    }
}
