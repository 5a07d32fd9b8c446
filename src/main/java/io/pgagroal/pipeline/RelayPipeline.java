package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import java.util.List;

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
    @Override
    public void client(Relay relay, ByteBuf chunk) {
        ScannedState state = (ScannedState) relay.state();
        int terminate = state.scanClient(chunk);
        List<String> databases = state.takeDatabases();
        if (databases != null) {
            relay.closeIdleConnections(databases);
        }
        if (terminate < 0) {
            relay.writeToServer(chunk);
            return;
        }
        int before = terminate - chunk.readerIndex();
        if (before > 0) {
            relay.writeToServer(chunk.retainedSlice(chunk.readerIndex(), before));
        }
        chunk.release();
        relay.clientTerminated();
    }

    @Override
    public void server(Relay relay, ByteBuf chunk) {
        boolean fatal = ((ScannedState) relay.state()).scanServer(chunk);
        relay.writeToClient(chunk);
        if (fatal) {
            relay.serverFatal();
        }
    }
}
