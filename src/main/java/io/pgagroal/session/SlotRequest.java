package io.pgagroal.session;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.pgagroal.config.ValidationMode;
import io.pgagroal.pool.Checkout;
import io.pgagroal.pool.PoolFullException;
import io.pgagroal.pool.PoolKey;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's slot: asks the pool for one, brings a pooled connection to the session's event loop
 * (deregister, register) and asks again when that connection turns out to be gone, and then holds
 * the slot until it is given back, handed to a reset, or closed. At most one request or slot at a
 * time. With validation = foreground a pooled connection is checked ({@link ConnectionCheck}) before
 * the session gets it; with blocking_timeout = 0 a refused request is asked again max_retries times.
 */
final class SlotRequest {

    private static final Logger LOG = LoggerFactory.getLogger(SlotRequest.class);

    /** What the flow hears back, once per request, unless it cancelled the request. */
    interface Outcome {
        /** An empty slot was reserved (INIT): open a new connection for it. */
        void newSlot();

        /** A pooled connection, now on the session's loop and open. */
        void pooled(ServerConnection connection);

        /** The pool refused ({@link PoolFullException}) or failed. */
        void refused(Throwable cause);
    }

    private final PoolState state;
    private final Channel client;
    private Future<Checkout<ServerConnection>> pending;
    private Checkout<ServerConnection> checkout;
    private PoolKey key;
    private int maxSize;
    private Outcome outcome;
    /** A request held while its database is paused ({@link Pause}). */
    private Pause.Held paused;
    /** What a resume calls: made once, as a request is made at every transaction start. */
    private final Consumer<Pause.Held> resumed = this::released;
    /** System.nanoTime when the request was made, 0 while none waits; read by management from other threads. */
    private volatile long waitingSince;

    SlotRequest(PoolState state, Channel client) {
        this.state = state;
        this.client = client;
    }

    void request(PoolKey requested, int limit, Outcome to) {
        key = requested;
        maxSize = limit;
        outcome = to;
        waitingSince = System.nanoTime();
        paused = state.shuttingDown ? null : state.pause.hold(key.database(), client.eventLoop(), resumed);
        if (paused == null) {
            ask();
        }
    }

    /** The database was resumed: the request goes to the pool now, unless it was withdrawn. */
    private void released(Pause.Held request) {
        if (paused == request) {
            paused = null;
            ask();
        }
    }

    /**
     * The pool fails a request at once only with blocking_timeout = 0; then it is asked again up to
     * max_retries times straight away (spec §6.3 step 7), as other event loops may give back or
     * evict a connection meanwhile.
     */
    private void ask() {
        Future<Checkout<ServerConnection>> first = state.pool.acquire(key, maxSize, client.eventLoop());
        int retries = state.config.main().maxRetries();
        for (int retry = 0; retry < retries && first.cause() instanceof PoolFullException && !state.shuttingDown; retry++) {
            first = state.pool.acquire(key, maxSize, client.eventLoop());
        }
        Future<Checkout<ServerConnection>> future = first;
        pending = future;
        future.addListener(f -> acquired(future));
    }

    private void acquired(Future<Checkout<ServerConnection>> future) {
        if (future != pending) {
            if (future.isSuccess()) {
                giveBack(future.getNow());
            }
            return;
        }
        if (future.isCancelled()) {
            return;
        }
        pending = null;
        waitingSince = 0;
        if (!future.isSuccess()) {
            outcome.refused(future.cause());
            return;
        }
        checkout = future.getNow();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Slot {} for {}: {}", checkout.slot(), key, checkout.isNew() ? "new connection" : "pooled connection");
        }
        if (!client.isActive()) {
            giveBackUnused();
            return;
        }
        if (checkout.isNew()) {
            outcome.newSlot();
        } else {
            moveToClientLoop(checkout.connection());
        }
    }

    private void moveToClientLoop(ServerConnection pooled) {
        Channel backend = pooled.channel();
        if (backend.eventLoop() == client.eventLoop()) {
            reuse(pooled);
            return;
        }
        Checkout<ServerConnection> moving = checkout;
        backend.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                discardAndRetry(moving);
                return;
            }
            client.eventLoop().register(backend).addListener(registered -> {
                if (registered.isSuccess()) {
                    reuse(pooled);
                } else {
                    discardAndRetry(moving);
                }
            });
        });
    }

    private void reuse(ServerConnection pooled) {
        if (checkout == null || checkout.connection() != pooled) {
            return;
        }
        if (!pooled.channel().isActive()) {
            discardAndRetry(checkout);
            return;
        }
        if (!client.isActive()) {
            giveBackUnused();
            return;
        }
        if (state.config.main().validation() != ValidationMode.FOREGROUND) {
            outcome.pooled(pooled);
            return;
        }
        Checkout<ServerConnection> checking = checkout;
        ConnectionCheck.run(pooled.channel(), ConnectionCheck.timeLimit(state.config.main())).addListener(checked -> {
            if (checkout != checking) {
                return;
            }
            if (!(Boolean) checked.getNow()) {
                LOG.info("Pooled connection {} failed validation; closing it", pooled);
                discardAndRetry(checking);
            } else if (!client.isActive()) {
                giveBackUnused();
            } else {
                outcome.pooled(pooled);
            }
        });
    }

    private void discardAndRetry(Checkout<ServerConnection> gone) {
        if (checkout != gone) {
            return;
        }
        LOG.debug("Pooled connection {} is gone; asking the pool again", gone.connection());
        kill();
        ask();
    }

    boolean pending() {
        return pending != null || paused != null;
    }

    /** How long the request has been waiting for a connection (paused or queued), in nanoseconds; 0 when none waits. */
    long waitingNanos() {
        long since = waitingSince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    boolean held() {
        return checkout != null;
    }

    /** Whether the slot was reserved for a connection that is not attached yet. */
    boolean unattached() {
        return checkout != null && checkout.isNew() && state.pool.connection(checkout.slot()) == null;
    }

    int slot() {
        return checkout == null ? -1 : checkout.slot();
    }

    /** Withdraws a request still waiting for the pool. */
    void cancel() {
        waitingSince = 0;
        if (paused != null) {
            state.pause.withdraw(paused);
            paused = null;
        }
        if (pending != null) {
            Future<Checkout<ServerConnection>> future = pending;
            pending = null;
            future.cancel(false);
        }
    }

    /** Closes the slot's connection (its state is unknown) and empties the slot. */
    void kill() {
        if (checkout != null) {
            int slot = checkout.slot();
            checkout = null;
            state.pool.kill(slot);
        }
    }

    /** The connection goes back to the pool as it is. */
    void release() {
        if (checkout != null) {
            int slot = checkout.slot();
            checkout = null;
            state.pool.release(slot);
        }
    }

    /** A slot the client never used goes back as it was: empty, or FREE for a pooled connection. */
    void giveBackUnused() {
        if (unattached()) {
            kill();
        } else {
            release();
        }
    }

    /** A request withdrawn after the pool had already granted it: its slot goes back unused. */
    private void giveBack(Checkout<ServerConnection> granted) {
        if (granted.isNew()) {
            state.pool.kill(granted.slot());
        } else {
            state.pool.release(granted.slot());
        }
    }

    /** The slot leaves this request (a reset or the idle handler takes it over). */
    int handOver() {
        int slot = checkout.slot();
        checkout = null;
        return slot;
    }

    /** Cancels what is pending and closes what is held. */
    void abandon() {
        cancel();
        kill();
    }
}
