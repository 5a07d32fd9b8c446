package io.pgagroal.server;

import io.pgagroal.config.ServerConfig;
import java.util.concurrent.atomic.AtomicReference;

/** A backend PostgreSQL server from a server section, with its current state. */
public final class Server {

    private final ServerConfig config;
    private final AtomicReference<ServerState> state;

    public Server(ServerConfig config) {
        this.config = config;
        this.state = new AtomicReference<>(config.primary() ? ServerState.NOTINIT_PRIMARY : ServerState.NOTINIT);
    }

    public String name() {
        return config.name();
    }

    public ServerConfig config() {
        return config;
    }

    public ServerState state() {
        return state.get();
    }

    public boolean compareAndSetState(ServerState expected, ServerState next) {
        return state.compareAndSet(expected, next);
    }

    void setState(ServerState next) {
        state.set(next);
    }

    @Override
    public String toString() {
        return config.name() + " (" + config.host() + ":" + config.port() + ")";
    }
}
