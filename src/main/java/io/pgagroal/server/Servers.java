package io.pgagroal.server;

import io.pgagroal.config.ServerConfig;
import java.util.List;
import java.util.Optional;

/**
 * The configured backend servers and the choice of the one new connections go to (pgagroal has no
 * replica load balancing): the first PRIMARY, else the first NOTINIT_PRIMARY, else the first server
 * that is neither failing over nor failed.
 */
public final class Servers {

    private final List<Server> servers;

    public Servers(List<ServerConfig> configs) {
        this.servers = configs.stream().map(Server::new).toList();
    }

    public List<Server> all() {
        return servers;
    }

    /**
     * {@code clear server <name>}: a FAILED server may be chosen again (FAILED becomes NOTINIT).
     *
     * @return false when the server was not FAILED
     * @throws IllegalArgumentException when no server section has this name
     */
    public boolean clear(String name) {
        Server server = servers.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named \"" + name + "\""));
        return server.compareAndSetState(ServerState.FAILED, ServerState.NOTINIT);
    }

    /**
     * {@code switch-to <name>} (spec §10.1): the named server becomes PRIMARY; the server new
     * connections went to until now ({@link #primary()}), when another, becomes FAILED.
     *
     * @return the server new connections went to until now (the named one itself when it was the
     *         primary already), or empty when there was none
     * @throws IllegalArgumentException when no server section has this name
     */
    public synchronized Optional<Server> switchTo(String name) {
        Server target = servers.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named \"" + name + "\""));
        Optional<Server> old = primary();
        old.filter(server -> server != target).ifPresent(server -> server.setState(ServerState.FAILED));
        target.setState(ServerState.PRIMARY);
        return old;
    }

    public Optional<Server> primary() {
        Server notInitPrimary = null;
        Server usable = null;
        for (Server server : servers) {
            ServerState state = server.state();
            if (state == ServerState.PRIMARY) {
                return Optional.of(server);
            }
            if (state == ServerState.NOTINIT_PRIMARY && notInitPrimary == null) {
                notInitPrimary = server;
            }
            if (state != ServerState.FAILOVER && state != ServerState.FAILED && usable == null) {
                usable = server;
            }
        }
        return Optional.ofNullable(notInitPrimary != null ? notInitPrimary : usable);
    }
}
