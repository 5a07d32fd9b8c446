package io.pgagroal;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Pgagroal#reload()} did. On success the new configuration is in force, except the
 * restart-only changes, which keep their running value. On failure ({@link #error()}, in the form
 * {@code file:line: key: problem}) nothing changed.
 *
 * @param applied         reloadable keys whose value changed and now apply, and
 *                        {@code pgagroal_hba.conf} / {@code pgagroal_databases.conf} when their entries changed
 * @param restartRequired restart-only keys whose value changed (and {@code servers}, and
 *                        {@code pgagroal_databases.conf initial_size/min_size}); not applied
 * @param error           why nothing was reloaded
 */
public record ReloadReport(List<String> applied, List<String> restartRequired, Optional<String> error) {

    public ReloadReport {
        applied = List.copyOf(applied);
        restartRequired = List.copyOf(restartRequired);
    }

    static ReloadReport reloaded(List<String> applied, List<String> restartRequired) {
        return new ReloadReport(applied, restartRequired, Optional.empty());
    }

    static ReloadReport failed(String error) {
        return new ReloadReport(List.of(), List.of(), Optional.of(error));
    }

    /** Whether the configuration was reloaded (possibly with restart-only changes left out). */
    public boolean succeeded() {
        return error.isEmpty();
    }

    /** Whether a restart-only key changed, which only a restart applies (management's restart_required). */
    public boolean needsRestart() {
        return !restartRequired.isEmpty();
    }
}
