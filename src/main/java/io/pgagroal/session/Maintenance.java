package io.pgagroal.session;

import io.pgagroal.config.MainConfig;
import io.pgagroal.config.ValidationMode;
import io.pgagroal.pool.Pool;
import io.pgagroal.pool.SlotState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's maintenance timers (spec §6.6) as one tick a second that decides what is due, reading
 * the settings from the configuration each time, so that a reload which turns a timer on, off or
 * changes its period applies at the next tick. idle_timeout and max_connection_age are checked at
 * every tick (more often than pgagroal's max(t/2, 5 s), so a connection goes within a second of its
 * deadline), background validation every max(background_interval, 5 s), disconnect_client at every
 * tick, and a prefill that is short is retried (with its own back-off). Anything closed here makes
 * the pool call the prefill back up to min_size.
 */
final class Maintenance implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration SHORTEST_VALIDATION_INTERVAL = Duration.ofSeconds(5);

    private final PoolState state;
    private final Prefill prefill;
    /** Runs on one event loop at a time (a fixed-rate task never overlaps itself). */
    private long lastValidation = System.nanoTime();

    private Maintenance(PoolState state, Prefill prefill) {
        this.state = state;
        this.prefill = prefill;
    }

    static void schedule(PoolState state, Prefill prefill) {
        state.workers.scheduleAtFixedRate(new Maintenance(state, prefill), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        if (state.shuttingDown) {
            return;
        }
        try {
            tick(state.config.main());
        } catch (RuntimeException e) {
            LOG.warn("Maintenance failed: {}", e.toString(), e);
        }
    }

    private void tick(MainConfig main) {
        Pool<ServerConnection> pool = state.pool;
        if (!main.idleTimeout().isZero() || !main.maxConnectionAge().isZero()) {
            int closed = pool.closeExpired(main.idleTimeout(), main.maxConnectionAge());
            if (closed > 0) {
                LOG.debug("Closed {} connections after idle_timeout or max_connection_age", closed);
            }
        }
        if (main.validation() == ValidationMode.BACKGROUND) {
            long interval = Math.max(main.backgroundInterval().toNanos(), SHORTEST_VALIDATION_INTERVAL.toNanos());
            long now = System.nanoTime();
            if (now - lastValidation >= interval) {
                lastValidation = now;
                validate(pool, ConnectionCheck.timeLimit(main));
            }
        }
        if (!main.disconnectClient().isZero()) {
            long idle = main.disconnectClient().toNanos();
            boolean force = main.disconnectClientForce();
            for (Session session : state.registry.live()) {
                session.disconnectIfIdle(idle, force);
            }
        }
        if (prefill.active()) {
            prefill.retry();
        }
    }

    /** Background validation: every FREE connection is held (VALIDATION), checked, and freed or closed. */
    private static void validate(Pool<ServerConnection> pool, Duration timeLimit) {
        for (int slot = pool.size() - 1; slot >= 0; slot--) {
            if (pool.state(slot) != SlotState.FREE) {
                continue;
            }
            ServerConnection connection = pool.hold(slot, SlotState.VALIDATION);
            if (connection == null) {
                continue;
            }
            int held = slot;
            connection.eventLoop().execute(() -> ConnectionCheck.run(connection.channel(), timeLimit).addListener(checked -> {
                if ((Boolean) checked.getNow()) {
                    pool.free(held, SlotState.VALIDATION);
                } else {
                    LOG.info("Pooled connection {} failed validation; closing it", connection);
                    pool.kill(held);
                }
            }));
        }
    }
}
