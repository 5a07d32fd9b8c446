package io.pgagroal.session;

import io.pgagroal.protocol.SqlState;
import io.pgagroal.server.Server;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code flush <mode> <database|*>} (spec §6.7). Idle connections are claimed and closed by the
 * pool; a connection handed out is marked GRACEFULLY, so that the pool closes it when it comes back
 * rather than keeping it; in mode ALL the session holding it is also ended now (FATAL 57P01), which
 * closes it at once. The session is found through the registry, by the slot it holds; a slot held
 * by nobody in the registry (a connection being reset, a prefill) is only marked. Every close
 * empties a slot, which asks the prefill for min_size again.
 */
final class Flush {

    private static final Logger LOG = LoggerFactory.getLogger(Flush.class);
    static final String ADMINISTRATOR_COMMAND = "terminating connection due to administrator command";

    private final PoolState state;

    Flush(PoolState state) {
        this.state = state;
    }

    /**
     * @param database a real database name (not an alias), or {@code *} for every database
     * @return how many connections were closed now or marked to close when given back
     */
    int flush(FlushMode mode, String database) {
        Predicate<ServerConnection> matches = database.equals("*")
                ? connection -> true
                : connection -> database.equals(connection.key().database());
        return flush(mode, matches, database);
    }

    /**
     * flush_server (switch-to): the idle connections to {@code server} are closed, those handed
     * out are closed when given back.
     */
    int server(Server server) {
        return flush(FlushMode.GRACEFULLY, connection -> connection.server() == server, "server " + server.name());
    }

    private int flush(FlushMode mode, Predicate<ServerConnection> matches, String database) {
        int closed = state.pool.closeFree(matches);
        int marked = 0;
        if (mode != FlushMode.IDLE) {
            Map<Integer, SessionHandle> owners = mode == FlushMode.ALL ? owners() : Map.of();
            for (int slot = state.pool.size() - 1; slot >= 0; slot--) {
                if (!state.pool.markGracefully(slot, matches)) {
                    continue;
                }
                marked++;
                SessionHandle owner = owners.get(slot);
                if (owner != null) {
                    owner.terminate(SqlState.ADMIN_SHUTDOWN, ADMINISTRATOR_COMMAND);
                }
            }
        }
        LOG.info("Flush {} {}: {} idle connection(s) closed, {} in use marked to close", mode.name().toLowerCase(), database, closed, marked);
        return closed + marked;
    }

    private Map<Integer, SessionHandle> owners() {
        Map<Integer, SessionHandle> owners = new HashMap<>();
        for (SessionHandle session : state.registry.sessions()) {
            int slot = session.slot();
            if (slot >= 0) {
                owners.put(slot, session);
            }
        }
        return owners;
    }
}
