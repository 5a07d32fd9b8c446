package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;

/**
 * The relay shared by the performance and session pipelines: forward every chunk as it was read,
 * stop in front of the client's Terminate, and end the session after a FATAL from PostgreSQL. The
 * chunk itself is forwarded; only the Terminate case slices it. A chunk that completes the start of
 * a DROP, CREATE or ALTER DATABASE goes after the pool's idle connections to its databases are
 * closed (the statement cannot run before its message is complete).
 */
public abstract class RelayPipeline implements Pipeline {

    /** The per-session protocol state this pipeline keeps; the session holds it. */
    public abstract RelayState newState();

    /**
     * The state of a session whose connection adopted the client's startup settings with set_config:
     * its resets return to them, as they would on a connection opened with them.
     */
    public RelayState newAdoptedState(Map<String, String> startupSettings) {
        ScannedState state = (ScannedState) newState();
        StartupResets startup = StartupResets.of(startupSettings);
        if (!startup.none()) {
            state.adopted(startup);
        }
        return state;
    }

    @Override
    public void stop(Relay relay) {
        ((ScannedState) relay.state()).stop();
    }
    @Override
    public void client(Relay relay, ByteBuf chunk) {
        ScannedState state = (ScannedState) relay.state();
        int terminate = state.scanClient(chunk);
        List<String> databases = state.takeDatabases();
        if (databases != null) {
            relay.closeIdleConnections(databases);
        }
        if (terminate < 0) {
            state.toServer(relay, chunk);
            return;
        }
        int before = terminate - chunk.readerIndex();
        if (before > 0) {
            state.toServer(relay, chunk.retainedSlice(chunk.readerIndex(), before));
        }
        chunk.release();
        relay.clientTerminated();
    }

    @Override
    public void server(Relay relay, ByteBuf chunk) {
        ScannedState state = (ScannedState) relay.state();
        boolean fatal = state.scanServer(chunk);
        state.toClient(relay, chunk);
        if (fatal) {
            relay.serverFatal();
        }
    }
}
