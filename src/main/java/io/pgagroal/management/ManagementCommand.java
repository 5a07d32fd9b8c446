package io.pgagroal.management;

import java.util.Arrays;
import java.util.Optional;

/** The management command ids of pgagroal (spec §8.2) and ours (101 on), with the words pgagroal-cli's json output shows. */
enum ManagementCommand {
    UNKNOWN(0, "unknown"),
    CANCEL_SHUTDOWN(1, "cancel-shutdown"),
    CONFIG_LS(2, "conf-ls"),
    CONFIG_GET(3, "conf-get"),
    CONFIG_SET(4, "conf-set"),
    DETAILS(5, "status-details"),
    DISABLEDB(6, "disable-db"),
    ENABLEDB(7, "enable-db"),
    FLUSH(8, "flush"),
    GET_PASSWORD(9, "get-password"),
    GRACEFULLY(10, "shutdown-gracefully"),
    PING(11, "ping"),
    RELOAD(12, "reload"),
    CLEAR(13, "clear"),
    CLEAR_SERVER(14, "clear-server"),
    SHUTDOWN(15, "shutdown"),
    STATUS(16, "status"),
    SWITCH_TO(17, "switch-to"),
    CONFIG_ALIAS(18, "conf-alias"),
    /** Ours, beyond pgagroal's ids. */
    PAUSE(101, "pause"),
    RESUME(102, "resume"),
    TERMINATE(103, "terminate");

    private final int id;
    private final String word;

    ManagementCommand(int id, String word) {
        this.id = id;
        this.word = word;
    }

    int id() {
        return id;
    }

    String word() {
        return word;
    }

    static Optional<ManagementCommand> of(int id) {
        return Arrays.stream(values()).filter(c -> c.id == id).findFirst();
    }
}
