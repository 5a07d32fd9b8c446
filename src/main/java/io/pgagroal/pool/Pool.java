package io.pgagroal.pool;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The slot table: max_connections slots, each with a state (pgagroal's state diagram, one
 * compare-and-set per transition), the connection it holds and the key it was made for.
 *
 * <p>Acquiring never blocks a thread. The common case, a FREE connection with the client's key,
 * is a lock-free scan and one CAS (preferring a connection on the client's own event loop, so that
 * it need not be moved). Everything that changes which key a slot serves (reserving an empty slot,
 * evicting an idle connection of another key, queueing) happens under one lock, so max_size limits
 * are exact and waiting clients are served first come, first served: a returned or freed slot is
 * offered to the waiters in arrival order, and a new client queues behind them. One exception keeps
 * connections where they are: a returned connection goes to the oldest waiter on its own event loop
 * when there is one, as moving it to another loop costs three thread hand-offs while it sits idle
 * (in the transaction pipeline, where a connection changes hands after every transaction, that
 * latency bounds throughput). Once the oldest waiter of all has been overtaken
 * {@value #MAX_OVERTAKEN} times it is served next whatever its loop, so nobody waits much longer
 * than in strict order, and the move shifts a connection towards the loop that was short of them.
 * A returned connection adds one FREE slot, so its dispatch stops at the first waiter served. A
 * waiter gives up after blocking_timeout (never when the pool has no deadline), and leaves the
 * queue as soon as its client cancels the request; nothing polls. A release publishes the slot
 * (CAS) before it reads whether anyone waits; a new waiter publishes itself before it scans the
 * slots again, so one of the two always sees the other.
 *
 * <p>The pool hands out slots and does no I/O. It decides when a connection must go (its holder
 * kills it, it is evicted for another key, it is returned unusable, a statement needs its database
 * to itself, the pool closes), but closing one means speaking the wire protocol on a channel, which
 * is the session package's business: the pool hands the connection to the closer its creator
 * supplied (Terminate, then close). It knows a connection only as a {@link PooledConnection}, so
 * its rules are tested without a network. The slot table, the waiter queue and the hand-over stay
 * one class because they share one lock and one set of invariants: a slot changes key only under the
 * lock, and a waiter is served only with a slot taken under it.
 *
 * @param <C> the connections the slots hold
 */
public final class Pool<C extends PooledConnection> {

    /** A blocking timeout under which waiters are never timed out. */
    public static final Duration NO_DEADLINE = Duration.ofNanos(Long.MAX_VALUE);

    /** How often the oldest waiter may be passed over for one on the loop a connection was returned on. */
    static final int MAX_OVERTAKEN = 16;

    private final AtomicIntegerArray states;
    private final AtomicReferenceArray<C> connections;
    private final PoolKey[] keys;
    private volatile long blockingTimeoutNanos;
    private final Consumer<? super C> closer;
    private final Object lock = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private volatile int waiting;
    private volatile Runnable removed = () -> { };
    /** Databases whose returned connections are closed, with until when (System.nanoTime); replaced under the lock. */
    private volatile Map<String, Long> draining = Map.of();
    private boolean closed;
    /**
     * System.nanoTime when the slot's connection was attached, and when it last became FREE: written
     * before the compare-and-set that publishes the slot, read after one that claims it.
     */
    private final long[] created;
    private final long[] lastUsed;
    /** max_connection_age in nanoseconds, 0 for none; set at start and by each reload. */
    private volatile long maxAgeNanos;

    /**
     * @param blockingTimeout how long a client waits for a connection: zero fails at once,
     *        {@link #NO_DEADLINE} waits as long as it takes
     * @param closer closes a connection the pool let go of (sends Terminate, closes the channel), once
     *        per connection, on the thread that decided it, with the pool's lock held in the case of an
     *        eviction: it must neither block nor call back into the pool
     */
    public Pool(int maxConnections, Duration blockingTimeout, Consumer<? super C> closer) {
        this.states = new AtomicIntegerArray(maxConnections);
        this.connections = new AtomicReferenceArray<>(maxConnections);
        this.keys = new PoolKey[maxConnections];
        blockingTimeout(blockingTimeout);
        this.closer = closer;
        for (int i = 0; i < maxConnections; i++) {
            states.set(i, SlotState.NOTINIT.value);
        }
        this.created = new long[maxConnections];
        this.lastUsed = new long[maxConnections];
    }

    /** Sets blocking_timeout for clients that ask from now on (a reload); waiters keep their deadline. */
    public void blockingTimeout(Duration blockingTimeout) {
        blockingTimeoutNanos = blockingTimeout.compareTo(NO_DEADLINE) >= 0 ? Long.MAX_VALUE : blockingTimeout.toNanos();
    }

    public int size() {
        return states.length();
    }

    public SlotState state(int slot) {
        return SlotState.of(states.get(slot));
    }

    public C connection(int slot) {
        return connections.get(slot);
    }

    /** Slots that hold or are opening a connection. */
    public int totalConnections() {
        return count(state -> state != SlotState.NOTINIT.value);
    }

    /** Slots handed out to clients. */
    public int activeConnections() {
        return count(state -> state == SlotState.IN_USE.value || state == SlotState.GRACEFULLY.value);
    }

    /** Clients queued for a connection (pgagroal_connection_awaiting counts these and the ones being served). */
    public int awaiting() {
        return waiting;
    }

    /**
     * Asks for a connection for {@code key}; the future completes on {@code loop}.
     *
     * @param maxSize the max_size of the limit rule that applies, or 0 for none
     * @return a future that fails with {@link PoolFullException} after blocking_timeout
     */
    public Future<Checkout<C>> acquire(PoolKey key, int maxSize, EventLoop loop) {
        Promise<Checkout<C>> promise = loop.newPromise();
        Checkout<C> checkout = waiting == 0 ? reuse(key, loop) : null;
        if (checkout == null) {
            boolean reoffer;
            synchronized (lock) {
                if (closed) {
                    return promise.setFailure(new PoolFullException("the pool is shutting down"));
                }
                // First in line: a release may run between the scan below and the enqueue, and
                // see no waiter. Behind waiters of another key: there may be room for this key
                // that they could not use. Behind one of this key, nothing is free for it, or a
                // release would have served that one.
                boolean first = waiters.isEmpty();
                reoffer = first || !sameKey(waiters.peekFirst().key, key);
                if (first) {
                    checkout = tryAcquire(key, maxSize, loop);
                }
                if (checkout == null) {
                    long timeoutNanos = blockingTimeoutNanos;
                    if (timeoutNanos <= 0) {
                        return promise.setFailure(new PoolFullException("connection pool is full"));
                    }
                    Waiter waiter = new Waiter(key, maxSize, loop, promise);
                    if (timeoutNanos != Long.MAX_VALUE) {
                        waiter.timeout = loop.schedule(() -> expire(waiter), timeoutNanos, TimeUnit.NANOSECONDS);
                    }
                    promise.addListener(f -> {
                        if (f.isCancelled()) {
                            withdraw(waiter);
                        }
                    });
                    waiters.add(waiter);
                    waiting = waiters.size();
                }
            }
            if (checkout == null) {
                if (reoffer) {
                    dispatch();
                }
                return promise;
            }
        }
        handOver(promise, checkout);
        return promise;
    }

    /**
     * Reserves an empty slot for a new connection of {@code key} without a client (prefill), within
     * max_size; never evicts and never queues.
     *
     * @return the slot, now INIT, or -1
     */
    public int reserve(PoolKey key, int maxSize) {
        synchronized (lock) {
            if (closed || (maxSize > 0 && countFor(key) >= maxSize)) {
                return -1;
            }
            for (int i = 0; i < size(); i++) {
                if (states.compareAndSet(i, SlotState.NOTINIT.value, SlotState.INIT.value)) {
                    keys[i] = key;
                    return i;
                }
            }
            return -1;
        }
    }

    /** Slots holding or opening a connection for this user and real database. */
    public int connections(String user, String database) {
        synchronized (lock) {
            return countFor(user, database);
        }
    }

    /**
     * Slots holding or opening a connection for a limit entry's user and database, where {@code all}
     * matches every name (management's Limits.ActiveConnections).
     */
    public int connectionsMatching(String user, String database) {
        synchronized (lock) {
            int n = 0;
            for (int i = 0; i < size(); i++) {
                PoolKey other = keys[i];
                if (other != null && states.get(i) != SlotState.NOTINIT.value
                        && (user.equals("all") || other.user().equals(user))
                        && (database.equals("all") || other.database().equals(database))) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Called after a connection was closed and its slot emptied (to prefill up to min_size). */
    public void onRemoved(Runnable listener) {
        this.removed = listener;
    }

    /** A new connection was opened for a reserved slot: INIT becomes IN_USE. */
    public void attach(int slot, C connection) {
        created[slot] = System.nanoTime();
        connections.set(slot, connection);
        if (!states.compareAndSet(slot, SlotState.INIT.value, SlotState.IN_USE.value)) {
            throw new IllegalStateException("slot " + slot + " is " + state(slot) + ", not INIT");
        }
    }

    /**
     * The client is done and the connection was reset: IN_USE becomes FREE, or it is closed (also
     * when it is older than max_connection_age, spec §6.4 step 1).
     */
    public void release(int slot) {
        C connection = connections.get(slot);
        long now = System.nanoTime();
        long maxAge = maxAgeNanos;
        if (connection == null || !connection.reusable() || draining(connection.key().database())
                || (maxAge > 0 && now - created[slot] >= maxAge)) {
            kill(slot);
            return;
        }
        lastUsed[slot] = now;
        if (!states.compareAndSet(slot, SlotState.IN_USE.value, SlotState.FREE.value)) {
            kill(slot);
            return;
        }
        dispatchReturned(connection.eventLoop());
    }

    /**
     * Empties the slot and has the closer close its connection. Only the slot's owner calls this: the
     * session holding it, or whoever moved it out of FREE.
     */
    public void kill(int slot) {
        C connection;
        synchronized (lock) {
            connection = connections.getAndSet(slot, null);
            keys[slot] = null;
            states.set(slot, SlotState.NOTINIT.value);
        }
        if (connection != null) {
            closer.accept(connection);
            removed.run();
        }
        dispatch();
    }

    /**
     * An idle connection's server went away: empty the slot if it is still FREE and still holds that
     * connection.
     */
    public void removeIdle(int slot, C connection) {
        removeFree(slot, held -> held == connection);
    }

    /**
     * Closes the FREE connections to these databases, whatever their user and parameters, and
     * during {@code returning} every connection to them that is given back: DROP DATABASE, ALTER
     * DATABASE ... RENAME and CREATE DATABASE (of its template) fail while another session is
     * connected to the database, after waiting 5 seconds for them to leave. A connection handed out
     * now is not touched, but one given back within that time (its client left and the reset just
     * ended, or its transaction did) is closed rather than kept.
     *
     * @return how many connections were closed now
     */
    public int closeIdle(Collection<String> databases, Duration returning) {
        if (returning.isPositive()) {
            long until = System.nanoTime() + returning.toNanos();
            synchronized (lock) {
                Map<String, Long> next = new HashMap<>();
                long now = System.nanoTime();
                draining.forEach((database, end) -> {
                    if (end - now > 0) {
                        next.put(database, end);
                    }
                });
                databases.forEach(database -> next.put(database, until));
                draining = Map.copyOf(next);
            }
        }
        return closeFree(held -> databases.contains(held.key().database()));
    }

    /**
     * Closes every FREE connection that {@code which} accepts, from the highest slot down (flush).
     *
     * @return how many were closed
     */
    public int closeFree(Predicate<? super C> which) {
        int closed = 0;
        for (int i = size() - 1; i >= 0; i--) {
            if (states.get(i) == SlotState.FREE.value && removeFree(i, which)) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * A handed-out connection that {@code which} accepts is to be closed when it is given back
     * rather than kept (flush gracefully): IN_USE becomes GRACEFULLY, which {@link #release} does not
     * turn into FREE. As in {@link #removeFree}, the connection is checked again after the claim; if
     * the slot was remade meanwhile the mark is taken back (and if it was given back meanwhile, the
     * pool closes it, one connection more than asked).
     *
     * @return whether a connection was marked
     */
    public boolean markGracefully(int slot, Predicate<? super C> which) {
        C connection = connections.get(slot);
        if (connection == null || !which.test(connection)
                || !states.compareAndSet(slot, SlotState.IN_USE.value, SlotState.GRACEFULLY.value)) {
            return false;
        }
        connection = connections.get(slot);
        if (connection != null && which.test(connection)) {
            return true;
        }
        states.compareAndSet(slot, SlotState.GRACEFULLY.value, SlotState.IN_USE.value);
        return false;
    }

    private boolean draining(String database) {
        Map<String, Long> databases = draining;
        if (databases.isEmpty()) {
            return false;
        }
        Long until = databases.get(database);
        return until != null && until - System.nanoTime() > 0;
    }

    /**
     * Kills the slot if it is FREE with a connection that {@code which} accepts: claimed first
     * (FREE becomes REMOVE, so that nobody acquires it meanwhile), then checked again, as the slot
     * may have been remade between the first look and the claim.
     */
    private boolean removeFree(int slot, Predicate<? super C> which) {
        return removeFree(slot, SlotState.REMOVE, (i, connection) -> which.test(connection));
    }

    /**
     * As {@link #removeFree(int, Predicate)}, holding the slot in {@code holding} meanwhile; the test
     * sees the slot number so that it can read the slot's times.
     */
    private boolean removeFree(int slot, SlotState holding, BiPredicate<Integer, ? super C> which) {
        C connection = connections.get(slot);
        if (connection == null || !which.test(slot, connection)
                || !states.compareAndSet(slot, SlotState.FREE.value, holding.value)) {
            return false;
        }
        connection = connections.get(slot);
        if (connection != null && which.test(slot, connection)) {
            kill(slot);
            return true;
        }
        free(slot, holding);
        return false;
    }

    /** max_connection_age, applied when a connection is returned and by {@link #closeExpired}. */
    public void maxConnectionAge(Duration maxAge) {
        this.maxAgeNanos = maxAge.toNanos();
    }

    /**
     * The maintenance scan of idle_timeout and max_connection_age (spec §6.6), from the highest slot
     * down: a FREE connection unused for {@code idleTimeout} or older than {@code maxAge} (zero turns
     * either off) is held (IDLE_CHECK or MAX_CONNECTION_AGE), so that nobody is handed it meanwhile,
     * and closed.
     *
     * @return how many connections were closed
     */
    public int closeExpired(Duration idleTimeout, Duration maxAge) {
        long idle = idleTimeout.toNanos();
        long age = maxAge.toNanos();
        int closed = 0;
        for (int i = size() - 1; i >= 0; i--) {
            if (states.get(i) != SlotState.FREE.value) {
                continue;
            }
            long now = System.nanoTime();
            if (idle > 0 && removeFree(i, SlotState.IDLE_CHECK, (slot, c) -> now - lastUsed[slot] >= idle)) {
                closed++;
            } else if (age > 0 && removeFree(i, SlotState.MAX_CONNECTION_AGE, (slot, c) -> now - created[slot] >= age)) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * Takes a FREE slot out of circulation for a check that needs I/O (background validation):
     * FREE becomes {@code holding}.
     *
     * @return its connection, or null when the slot was not FREE
     */
    public C hold(int slot, SlotState holding) {
        if (!states.compareAndSet(slot, SlotState.FREE.value, holding.value)) {
            return null;
        }
        C connection = connections.get(slot);
        if (connection == null) {
            free(slot, holding);
        }
        return connection;
    }

    /**
     * A held slot passed its check: it becomes FREE again and serves a waiter if there is one. If
     * its state changed meanwhile (it must not), the connection is closed instead.
     */
    public void free(int slot, SlotState holding) {
        if (states.compareAndSet(slot, holding.value, SlotState.FREE.value)) {
            dispatch();
        } else {
            kill(slot);
        }
    }

    /** Any open connection of this key, whatever its state (its startup messages serve as a template). */
    public Optional<C> any(PoolKey key) {
        for (int i = 0; i < connections.length(); i++) {
            C connection = connections.get(i);
            if (connection != null && connection.key().equals(key)) {
                return Optional.of(connection);
            }
        }
        return Optional.empty();
    }

    /** Fails every waiter, refuses new requests and closes every connection. */
    public void close() {
        List<Waiter> failed;
        synchronized (lock) {
            closed = true;
            failed = new ArrayList<>(waiters);
            waiters.clear();
            waiting = 0;
        }
        for (Waiter waiter : failed) {
            waiter.cancelTimeout();
            waiter.promise.tryFailure(new PoolFullException("the pool is shutting down"));
        }
        for (int i = 0; i < size(); i++) {
            C connection = connections.getAndSet(i, null);
            states.set(i, SlotState.NOTINIT.value);
            if (connection != null) {
                closer.accept(connection);
            }
        }
    }

    /**
     * A FREE connection with exactly this key; failing that, a base (prefilled) connection of the
     * same user and database that the client adopts by applying its parameters with SET.
     */
    private Checkout<C> reuse(PoolKey key, EventLoop loop) {
        Checkout<C> checkout = reuseExactly(key, loop);
        if (checkout == null && !key.isBase() && key.settings().isPresent()) {
            checkout = reuseExactly(key.base(), loop);
        }
        return checkout;
    }

    private Checkout<C> reuseExactly(PoolKey key, EventLoop loop) {
        int other = -1;
        for (int i = 0; i < size(); i++) {
            if (states.get(i) == SlotState.FREE.value && key.equals(keys[i])) {
                if (connections.get(i).eventLoop() == loop) {
                    Checkout<C> checkout = claimFree(i, key);
                    if (checkout != null) {
                        return checkout;
                    }
                } else if (other < 0) {
                    other = i;
                }
            }
        }
        return other < 0 ? null : claimFree(other, key);
    }

    /** FREE becomes IN_USE; the key is checked again after the CAS, as the slot may have been re-made. */
    private Checkout<C> claimFree(int slot, PoolKey key) {
        if (!states.compareAndSet(slot, SlotState.FREE.value, SlotState.IN_USE.value)) {
            return null;
        }
        C connection = connections.get(slot);
        if (connection == null || !key.equals(connection.key())) {
            states.compareAndSet(slot, SlotState.IN_USE.value, SlotState.FREE.value);
            return null;
        }
        return new Checkout<>(slot, connection);
    }

    /** Called with the lock held. */
    private Checkout<C> tryAcquire(PoolKey key, int maxSize, EventLoop loop) {
        Checkout<C> checkout = reuse(key, loop);
        if (checkout != null) {
            return checkout;
        }
        if (maxSize > 0 && countFor(key) >= maxSize) {
            return null;
        }
        for (int i = 0; i < size(); i++) {
            if (states.compareAndSet(i, SlotState.NOTINIT.value, SlotState.INIT.value)) {
                keys[i] = key;
                return new Checkout<>(i, null);
            }
        }
        for (int i = size() - 1; i >= 0; i--) {
            if (states.get(i) == SlotState.FREE.value && states.compareAndSet(i, SlotState.FREE.value, SlotState.REMOVE.value)) {
                C evicted = connections.getAndSet(i, null);
                keys[i] = key;
                states.set(i, SlotState.INIT.value);
                if (evicted != null) {
                    closer.accept(evicted);
                }
                return new Checkout<>(i, null);
            }
        }
        return null;
    }

    private int countFor(PoolKey key) {
        return countFor(key.user(), key.database());
    }

    private int countFor(String user, String database) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            PoolKey other = keys[i];
            if (other != null && states.get(i) != SlotState.NOTINIT.value
                    && other.user().equals(user) && other.database().equals(database)) {
                n++;
            }
        }
        return n;
    }

    /** Serves every waiter that what is free now can serve (after a kill, or a new waiter). */
    private void dispatch() {
        if (waiting == 0) {
            return;
        }
        List<Waiter> served = new ArrayList<>();
        synchronized (lock) {
            Waiter waiter;
            while ((waiter = serveFirst(null)) != null) {
                served.add(waiter);
            }
            waiting = waiters.size();
        }
        for (Waiter waiter : served) {
            handOver(waiter);
        }
    }

    /**
     * A connection was returned on {@code loop}: the one FREE slot it adds can serve one waiter at
     * most. It goes to the oldest waiter on that loop, so that it need not move, unless the oldest
     * waiter of all has been overtaken {@link #MAX_OVERTAKEN} times; then to the oldest waiter.
     */
    private void dispatchReturned(EventLoop loop) {
        if (waiting == 0) {
            return;
        }
        Waiter served = null;
        synchronized (lock) {
            Waiter oldest = waiters.peekFirst();
            if (oldest != null && oldest.loop != loop && oldest.overtaken < MAX_OVERTAKEN) {
                served = serveFirst(loop);
                if (served != null) {
                    oldest.overtaken++;
                }
            }
            if (served == null) {
                served = serveFirst(null);
            }
            waiting = waiters.size();
        }
        if (served != null) {
            handOver(served);
        }
    }

    /**
     * Called with the lock held: takes out of the queue the first waiter that can be given a slot,
     * with its checkout. With a {@code loop}, only waiters on that loop that can reuse a FREE
     * connection (never a new or evicted slot, which would take the returned connection from a
     * waiter that can use it as it is). What a waiter gets depends on its key alone, so once a key
     * gets nothing, later waiters with that key are not tried.
     */
    private Waiter serveFirst(EventLoop loop) {
        List<PoolKey> exhausted = null;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if ((loop != null && waiter.loop != loop) || (exhausted != null && contains(exhausted, waiter.key))) {
                continue;
            }
            Checkout<C> checkout = loop != null ? reuse(waiter.key, loop) : tryAcquire(waiter.key, waiter.maxSize, waiter.loop);
            if (checkout != null) {
                it.remove();
                waiter.checkout = checkout;
                return waiter;
            }
            if (exhausted == null) {
                exhausted = new ArrayList<>(2);
            }
            exhausted.add(waiter.key);
        }
        return null;
    }

    private static boolean contains(List<PoolKey> keys, PoolKey key) {
        for (PoolKey other : keys) {
            if (sameKey(other, key)) {
                return true;
            }
        }
        return false;
    }

    /** Keys of one user and database are usually one instance: identity first, then equality. */
    private static boolean sameKey(PoolKey a, PoolKey b) {
        return a == b || a.equals(b);
    }

    private void expire(Waiter waiter) {
        if (remove(waiter)) {
            waiter.promise.tryFailure(new PoolFullException("connection pool is full"));
        }
    }

    /** The client gave up (cancelled its request): it leaves the queue at once, deadline or not. */
    private void withdraw(Waiter waiter) {
        if (remove(waiter)) {
            waiter.cancelTimeout();
        }
    }

    private boolean remove(Waiter waiter) {
        synchronized (lock) {
            boolean removed = waiters.remove(waiter);
            waiting = waiters.size();
            return removed;
        }
    }

    private void handOver(Waiter served) {
        served.cancelTimeout();
        handOver(served.promise, served.checkout);
    }

    /** Completes the client's promise, or takes the slot back if the client has gone meanwhile. */
    private void handOver(Promise<Checkout<C>> promise, Checkout<C> checkout) {
        if (promise.trySuccess(checkout)) {
            return;
        }
        if (checkout.isNew()) {
            kill(checkout.slot());
        } else if (states.compareAndSet(checkout.slot(), SlotState.IN_USE.value, SlotState.FREE.value)) {
            dispatch();
        } else {
            kill(checkout.slot());
        }
    }

    private int count(IntPredicate predicate) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (predicate.test(states.get(i))) {
                n++;
            }
        }
        return n;
    }

    private final class Waiter {
        final PoolKey key;
        final int maxSize;
        final EventLoop loop;
        final Promise<Checkout<C>> promise;
        /** Null without a deadline. */
        ScheduledFuture<?> timeout;
        /** How often a waiter on another loop was served while this one was the oldest. */
        int overtaken;
        /** Set when served, under the lock. */
        Checkout<C> checkout;

        Waiter(PoolKey key, int maxSize, EventLoop loop, Promise<Checkout<C>> promise) {
            this.key = key;
            this.maxSize = maxSize;
            this.loop = loop;
            this.promise = promise;
        }

        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }
}
