package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pid file's rules on its own: what counts as another instance, what is stale, what remove() may delete. */
class PidFileTest {

    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void writesThisProcessAndRemovesIt() throws IOException {
        Path path = dir.resolve("pgagroal.2345.pid");
        PidFile pidFile = PidFile.create(path);
        assertThat(Files.readString(path)).isEqualTo(SELF + "\n");
        assertThat(dir).isDirectoryNotContaining(file -> file.getFileName().toString().endsWith(".tmp"));
        pidFile.remove();
        pidFile.remove();
        assertThat(path).doesNotExist();
    }

    @Test
    void aFileNamingAnotherLiveProcessIsLeftAlone() throws IOException {
        long other = ProcessHandle.current().parent().orElseThrow().pid();
        Path path = Files.writeString(dir.resolve("pgagroal.pid"), other + "\n");
        assertThatThrownBy(() -> PidFile.create(path)).isInstanceOf(IOException.class)
                .hasMessage("pid file " + path + " exists and names running process " + other + ": is there another instance running?");
        assertThat(Files.readString(path)).isEqualTo(other + "\n");
    }

    @Test
    void aFileWithoutALivePidIsReplaced() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        for (String stale : new String[] {gone.pid() + "\n", "", "not a pid\n", SELF + "\n"}) {
            Path path = Files.writeString(dir.resolve("pgagroal.pid"), stale);
            PidFile.create(path);
            assertThat(Files.readString(path)).as("replacing %s", stale).isEqualTo(SELF + "\n");
            Files.delete(path);
        }
    }

    @Test
    void removeLeavesAFileThatNamesAnotherProcess() throws IOException {
        Path path = dir.resolve("pgagroal.pid");
        PidFile pidFile = PidFile.create(path);
        Files.writeString(path, "1\n");
        pidFile.remove();
        assertThat(Files.readString(path)).isEqualTo("1\n");
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path path = dir.resolve("missing/pgagroal.pid");
        assertThatThrownBy(() -> PidFile.create(path)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("could not write the pid file " + path);
    }
}
