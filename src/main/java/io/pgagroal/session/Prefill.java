package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.BackendKeyData;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.server.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections before clients ask (spec §6.5): up to initial_size for each limit entry at
 * start, and back up to min_size whenever a connection was closed. Only entries that name one user
 * and one database, with the user in the users vault, can be filled. Prefilled connections are
 * base connections (no startup parameters); a client adopts one by applying its parameters with
 * SET (see {@link ParameterAdoption}).
 *
 * <p>A fill that fails (PostgreSQL down or restarting, no primary) is tried again by the
 * maintenance timer ({@link #retry}) after a pause that doubles from 1 s to 30 s, and the pause is
 * back to none once a connection was opened. Until every entry once had initial_size connections
 * the target stays initial_size, so a pooler started before PostgreSQL fills up when it comes.
 */
final class Prefill {

    private static final Logger LOG = LoggerFactory.getLogger(Prefill.class);

    private final PoolState state;
    private final List<LimitEntry> entries;
    private static final long FIRST_PAUSE = TimeUnit.SECONDS.toNanos(1);
    private static final long LONGEST_PAUSE = TimeUnit.SECONDS.toNanos(30);

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean initialPending = true;
    /** When a failed fill may be tried again (System.nanoTime), and the pause that led there; guarded by this. */
    private long retryAt;
    private long pause;

    Prefill(PoolState state) {
        this.state = state;
        this.entries = state.config.limits().entries().stream()
                .filter(entry -> entry.initialSize() > 0 || entry.minSize() > 0)
                .filter(this::fillable)
                .toList();
    }

    private boolean fillable(LimitEntry entry) {
        if (entry.database().equals("all") || entry.user().equals("all")) {
            LOG.warn("Limit entry at line {} ({} {}) cannot be prefilled: it names all", entry.line(), entry.database(), entry.user());
            return false;
        }
        if (ServerConnection.isTemplate(entry.database())) {
            LOG.warn("Limit entry at line {} cannot be prefilled: connections to {} are never pooled", entry.line(), entry.database());
            return false;
        }
        if (state.credentials.backendPassword(entry.user()).isEmpty()) {
            LOG.warn("Limit entry at line {} cannot be prefilled: user \"{}\" is not in the users vault", entry.line(), entry.user());
            return false;
        }
        return true;
    }

    boolean active() {
        return !entries.isEmpty();
    }

    /** Fills every entry up to initial_size. */
    void initial() {
        fill(initialPending);
    }

    /** The maintenance timer: fills again if an entry is short and the pause after a failure is over. */
    void retry() {
        synchronized (this) {
            if (System.nanoTime() - retryAt < 0) {
                return;
            }
        }
        if (!reached()) {
            fill(initialPending);
        }
    }

    /** Whether every entry has its target; the first time, the target becomes min_size. */
    private boolean reached() {
        boolean initial = initialPending;
        for (LimitEntry entry : entries) {
            if (state.pool.connections(entry.user(), entry.database()) < target(entry, initial)) {
                return false;
            }
        }
        initialPending = false;
        return true;
    }

    private static int target(LimitEntry entry, boolean initial) {
        return initial ? Math.max(entry.initialSize(), entry.minSize()) : entry.minSize();
    }

    /** A fill failed: the next try waits, twice as long as the last one did, up to 30 s. */
    private synchronized void backOff() {
        long now = System.nanoTime();
        if (now - retryAt < 0) {
            return;
        }
        pause = pause == 0 ? FIRST_PAUSE : Math.min(pause * 2, LONGEST_PAUSE);
        retryAt = now + pause;
    }

    private synchronized void succeeded() {
        pause = 0;
        retryAt = System.nanoTime();
    }

    /** Fills every entry back up to min_size, soon; repeated calls meanwhile coalesce. */
    void minimum() {
        if (scheduled.compareAndSet(false, true)) {
            state.workers.schedule(() -> {
                scheduled.set(false);
                fill(initialPending);
            }, 100, TimeUnit.MILLISECONDS);
        }
    }

    private void fill(boolean initial) {
        if (state.shuttingDown) {
            return;
        }
        Optional<Server> server = state.servers.primary();
        if (server.isEmpty()) {
            LOG.warn("Prefill: no primary detected");
            backOff();
            return;
        }
        for (LimitEntry entry : entries) {
            int target = target(entry, initial);
            for (int missing = target - state.pool.connections(entry.user(), entry.database()); missing > 0; missing--) {
                int slot = state.pool.reserve(PoolKey.of(entry.user(), entry.database(), Map.of()), entry.maxSize());
                if (slot < 0) {
                    break;
                }
                open(entry, slot, server.get());
            }
        }
    }

    /**
     * Connects from the connection's own event loop, on which the login's callbacks run: the owner
     * then knows its channel before the first of them. Connecting from another thread (the pooler's
     * start, another loop's timer), a fast server could finish the login before connect returned.
     */
    private void open(LimitEntry entry, int slot, Server server) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", entry.user());
        parameters.put("database", entry.database());
        Connection owner = new Connection(entry, slot, server);
        ServerStartup startup = ServerStartup.login(owner, parameters,
                BackendAuthentication.password(entry.user(), state.credentials.backendPassword(entry.user()).orElseThrow()));
        EventLoop loop = state.workers.next();
        try {
            loop.execute(() -> {
                ChannelFuture future = state.connect(server.config(), loop, startup.initializer());
                owner.channel = future.channel();
                future.addListener(f -> {
                    if (!f.isSuccess()) {
                        owner.fail("could not connect: " + f.cause().getMessage());
                    }
                });
            });
        } catch (RejectedExecutionException stopping) {
            owner.fail("the pooler is stopping");
        }
    }

    /** One prefill connection being opened. */
    private final class Connection implements ServerStartup.Owner {
        private final LimitEntry entry;
        private final int slot;
        private final Server server;
        private Channel channel;
        private boolean done;

        Connection(LimitEntry entry, int slot, Server server) {
            this.entry = entry;
            this.slot = slot;
            this.server = server;
        }

        @Override
        public void serverReady(Authentication authentication, byte[] replay, BackendKeyData backendKey) {
            done = true;
            ServerConnection connection = new ServerConnection(channel, server,
                    PoolKey.of(entry.user(), entry.database(), Map.of()), authentication, replay, backendKey);
            state.pool.attach(slot, connection);
            succeeded();
            if (initialPending) {
                reached();
            }
            IdleServerHandler.park(channel.pipeline(), state.pool, slot, connection, ServerStartup.class, Frames.Decoder.class);
            LOG.debug("Prefilled slot {} for {}/{}", slot, entry.user(), entry.database());
        }

        @Override
        public void serverRefused(ErrorResponse error, ByteBuf frame, boolean pooledLogin) {
            frame.release();
            fail(error.toString());
        }

        @Override
        public void serverLoginFailed(String why) {
            fail(why);
        }

        @Override
        public void serverClosed() {
            fail("the server closed the connection");
        }

        @Override
        public void failed(String side, Throwable cause) {
            fail(cause.toString());
        }

        void fail(String why) {
            if (done) {
                return;
            }
            done = true;
            LOG.warn("Prefill of {}/{} failed: {}", entry.user(), entry.database(), why);
            backOff();
            state.pool.kill(slot);
        }
    }
}
