package io.pgagroal.testing;

import java.util.List;

/**
 * The outcome of one external command: exit code, both output streams, and whether it was killed
 * for running past its timeout (then {@code exitCode} is -1).
 */
public record ProcessResult(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Returns this result if the command succeeded, otherwise throws with everything it printed. */
    public ProcessResult orThrow() {
        if (!succeeded()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    public String describe() {
        String outcome = timedOut ? "timed out" : "exited with " + exitCode;
        return String.join(" ", command) + " " + outcome
                + "\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }
}
