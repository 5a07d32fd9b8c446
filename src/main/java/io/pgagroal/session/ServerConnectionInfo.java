package io.pgagroal.session;

import io.pgagroal.pool.SlotState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One server connection as {@code status details} shows it: its slot and the slot's state, and for
 * a connection that has logged in, its server, user, database, backend process ID and since when it
 * is open. A slot that is opening (INIT) has no connection yet: those are null, the pid 0.
 */
public record ServerConnectionInfo(int slot, SlotState state, String server, String user, String database, int backendPid, Instant opened) {

    /** A snapshot of the slots in use, lowest first; each slot is read on its own, so the list may be a moment old. */
    static List<ServerConnectionInfo> of(PoolState state) {
        List<ServerConnectionInfo> list = new ArrayList<>();
        for (int slot = 0; slot < state.pool.size(); slot++) {
            SlotState slotState = state.pool.state(slot);
            if (slotState == SlotState.NOTINIT) {
                continue;
            }
            ServerConnection connection = state.pool.connection(slot);
            list.add(connection == null
                    ? new ServerConnectionInfo(slot, slotState, null, null, null, 0, null)
                    : new ServerConnectionInfo(slot, slotState, connection.server().name(), connection.key().user(),
                            connection.key().database(), connection.backendKey().processId(), connection.opened()));
        }
        return list;
    }
}
