package io.pgagroal.session;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.protocol.SqlState;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooler's two ways to stop (spec §6.8).
 *
 * <p>Graceful: new clients are refused at admission (57P03, the flag admission reads) and running
 * sessions finish. In the performance and session pipelines a session ends when its client leaves;
 * in the transaction pipeline each is asked to end at its next idle point (the end of its current
 * transaction) with FATAL 57P01. A watcher on the pooler's scheduler asks the sessions that appeared
 * since its last look (a client admitted just as the shutdown began) and, once the registry is
 * empty, runs the stop action. A deadline, when given, runs the stop action anyway: the immediate
 * shutdown. Cancelling clears the flag and withdraws the requests not yet carried out.
 *
 * <p>Immediate: every session is ended at once with FATAL 57P01, so that clients see why rather than
 * a closed socket; the caller waits (briefly) until the registry is empty, then closes the pool,
 * which sends Terminate to every server connection left.
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
    private static final long TICK_MILLIS = 100;
    /** How long an immediate shutdown waits for the sessions' event loops to send their FATAL. */
    private static final long NOTICE_MILLIS = 2000;

    private final PoolState state;
    private final Set<SessionHandle> asked = new HashSet<>();
    private ScheduledFuture<?> watcher;
    private ScheduledFuture<?> deadline;
    private Runnable stop;
    private boolean immediate;

    Shutdown(PoolState state) {
        this.state = state;
    }

    /**
     * Starts a graceful shutdown; {@code stop} runs once no session is left, or at the deadline. It
     * runs on an event loop: it must hand the closing of the pooler to another thread.
     *
     * @param timeout null for none
     * @return false when a shutdown is under way already
     */
    synchronized boolean gracefully(Duration timeout, Runnable stop) {
        if (watcher != null || immediate) {
            return false;
        }
        state.shuttingDown = true;
        this.stop = stop;
        LOG.info("Graceful shutdown: new clients are refused; {} session(s) to finish{}", state.registry.size(),
                timeout == null ? "" : ", at most " + timeout.toMillis() + " ms");
        watcher = state.workers.scheduleAtFixedRate(this::watch, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (timeout != null) {
            deadline = state.workers.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** {@code shutdown cancel}: clients are admitted again and sessions keep running. */
    synchronized boolean cancel() {
        if (watcher == null || immediate) {
            return false;
        }
        asked.forEach(SessionHandle::cancelTerminateAtIdle);
        stopWatching();
        state.shuttingDown = false;
        LOG.info("Graceful shutdown cancelled: clients are admitted again");
        return true;
    }

    /** Ends every session with FATAL 57P01 and waits until they are gone or a short time passed. */
    void immediately() throws InterruptedException {
        synchronized (this) {
            immediate = true;
            stopWatching();
        }
        for (SessionHandle session : state.registry.sessions()) {
            session.terminate(SqlState.ADMIN_SHUTDOWN, Flush.ADMINISTRATOR_COMMAND);
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTICE_MILLIS);
        while (state.registry.size() > 0 && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
    }

    private void watch() {
        Runnable done;
        synchronized (this) {
            if (watcher == null) {
                return;
            }
            if (state.flows.perTransaction()) {
                for (SessionHandle session : state.registry.sessions()) {
                    if (asked.add(session)) {
                        session.terminateAtIdle(SqlState.ADMIN_SHUTDOWN, Flush.ADMINISTRATOR_COMMAND);
                    }
                }
            }
            if (state.registry.size() > 0) {
                return;
            }
            done = stop;
            stopWatching();
        }
        LOG.info("Graceful shutdown: no session left");
        done.run();
    }

    private void expire() {
        Runnable done;
        synchronized (this) {
            if (watcher == null) {
                return;
            }
            done = stop;
            stopWatching();
        }
        LOG.warn("Graceful shutdown timed out with {} session(s) left: shutting down immediately", state.registry.size());
        done.run();
    }

    private void stopWatching() {
        if (watcher != null) {
            watcher.cancel(false);
            watcher = null;
        }
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        asked.clear();
    }
}
