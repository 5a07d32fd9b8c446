package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.Daemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The daemon's command line: version, refused options, configuration errors as exit status. */
class MainTest {

    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        commandLine.getCommandSpec().version("pgagroal " + Version.VERSION);
        java.io.PrintStream systemErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            int status = commandLine.execute(args);
            return new Outcome(status, out.toString(), err + captured.toString());
        } finally {
            System.setErr(systemErr);
        }
    }

    /** A pgagroal.conf whose line 5 is {@code extra}, in front of a server these tests never reach. */
    private Path configuration(String extra) throws IOException {
        return Daemon.configuration(dir.resolve("pgagroal.conf"), "127.0.0.1", 2345, extra, "127.0.0.1", 5432);
    }

    @Test
    void versionAndHelp() {
        assertThat(run("-V").out()).contains("pgagroal 2.0.0");
        assertThat(run("-?").out()).contains("--config").contains("--hba").contains("--limit").contains("--directory");
    }

    @Test
    void daemonModeNeedsALogOtherThanTheConsole() throws IOException {
        Outcome outcome = run("-d", "-c", configuration("log_type = console").toString(), "-a", Daemon.trustHba(dir).toString());
        assertThat(outcome.status()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(outcome.err()).contains("-d/--daemon needs log_type = file or syslog");
    }

    @Test
    void badConfigurationStopsStartupNamingFileAndLine() throws IOException {
        Outcome outcome = run("-c", configuration("max_connections = many").toString(), "-a", Daemon.trustHba(dir).toString());
        assertThat(outcome.status()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(outcome.err()).contains("pgagroal.conf:5").contains("max_connections");
    }

    @Test
    void missingHbaFileStopsStartup() throws IOException {
        Path conf = Files.writeString(dir.resolve("pgagroal.conf"), "[pgagroal]\n");
        Outcome outcome = run("-c", conf.toString(), "-a", dir.resolve("missing_hba.conf").toString());
        assertThat(outcome.status()).isEqualTo(Main.CONFIGURATION_ERROR);
        assertThat(outcome.err()).contains("missing_hba.conf");
    }
}
