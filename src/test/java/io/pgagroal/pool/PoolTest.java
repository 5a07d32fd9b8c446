package io.pgagroal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolTest {

    private static final PoolKey ALICE = PoolKey.of("alice", "db", Map.of("application_name", "a"));
    private static final PoolKey BOB = PoolKey.of("bob", "db", Map.of());

    private final EventLoop loop = new DefaultEventLoop();
    private final EmbeddedChannel connectionChannel = new EmbeddedChannel();
    private final EventLoop connectionLoop = connectionChannel.eventLoop();
    /** What the pool had the closer close, in order. */
    private final List<Connection> closed = new ArrayList<>();

    /**
     * A connection as the pool sees it, on an embedded channel that nothing but a test would write
     * to or close: the pool does neither, it has the closer do it.
     */
    private static final class Connection implements PooledConnection {
        private final PoolKey key;
        private final EmbeddedChannel channel;
        private boolean reusable = true;

        Connection(PoolKey key, EmbeddedChannel channel) {
            this.key = key;
            this.channel = channel;
        }

        @Override
        public PoolKey key() {
            return key;
        }

        @Override
        public EventLoop eventLoop() {
            return channel.eventLoop();
        }

        @Override
        public boolean reusable() {
            return reusable;
        }
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private Pool<Connection> pool(int maxConnections, Duration blockingTimeout) {
        return new Pool<>(maxConnections, blockingTimeout, closed::add);
    }

    private static Connection open(Pool<Connection> pool, Checkout<Connection> checkout, PoolKey key) {
        Connection connection = new Connection(key, new EmbeddedChannel());
        pool.attach(checkout.slot(), connection);
        return connection;
    }

    /** A connection of ALICE on {@link #connectionLoop}, held. */
    private Checkout<Connection> holdOnItsLoop(Pool<Connection> pool) throws Exception {
        Checkout<Connection> held = take(pool.acquire(ALICE, 0, connectionLoop));
        pool.attach(held.slot(), new Connection(ALICE, connectionChannel));
        return held;
    }

    private static Checkout<Connection> take(Future<Checkout<Connection>> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    @Test
    void reusesAReturnedConnectionOnlyForTheSameKey() throws Exception {
        Pool<Connection> pool = pool(4, Duration.ofSeconds(1));
        Checkout<Connection> first = take(pool.acquire(ALICE, 0, loop));
        assertThat(first.isNew()).isTrue();
        Connection connection = open(pool, first, ALICE);
        assertThat(pool.state(first.slot())).isEqualTo(SlotState.IN_USE);
        pool.release(first.slot());
        assertThat(pool.state(first.slot())).isEqualTo(SlotState.FREE);

        Checkout<Connection> other = take(pool.acquire(BOB, 0, loop));
        assertThat(other.isNew()).isTrue();
        assertThat(other.slot()).isNotEqualTo(first.slot());

        Checkout<Connection> again = take(pool.acquire(PoolKey.of("alice", "db", Map.of("application_name", "a")), 0, loop));
        assertThat(again.connection()).isSameAs(connection);
        assertThat(pool.activeConnections()).isEqualTo(1);
        assertThat(pool.totalConnections()).isEqualTo(2);
    }

    @Test
    void aSlotHeldForValidationIsNotHandedOutUntilFreed() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(5));
        Checkout<Connection> first = take(pool.acquire(ALICE, 0, loop));
        Connection connection = open(pool, first, ALICE);
        pool.release(first.slot());
        assertThat(pool.hold(first.slot(), SlotState.VALIDATION)).isSameAs(connection);
        assertThat(pool.hold(first.slot(), SlotState.VALIDATION)).as("held once").isNull();

        Future<Checkout<Connection>> waiting = pool.acquire(ALICE, 0, loop);
        assertThat(waiting.isDone()).as("neither handed out nor evicted while held").isFalse();
        pool.free(first.slot(), SlotState.VALIDATION);
        assertThat(take(waiting).connection()).isSameAs(connection);
        assertThat(closed).isEmpty();
    }

    @Test
    void closeExpiredClosesOnlyFreeConnectionsPastTheirDeadline() throws Exception {
        Pool<Connection> pool = pool(3, Duration.ofSeconds(1));
        Checkout<Connection> idle = take(pool.acquire(ALICE, 0, loop));
        Connection idleConnection = open(pool, idle, ALICE);
        Checkout<Connection> busy = take(pool.acquire(BOB, 0, loop));
        open(pool, busy, BOB);
        pool.release(idle.slot());

        assertThat(pool.closeExpired(Duration.ofHours(1), Duration.ofHours(1))).isZero();
        assertThat(pool.closeExpired(Duration.ZERO, Duration.ZERO)).as("zero turns both off").isZero();
        Thread.sleep(5);
        assertThat(pool.closeExpired(Duration.ofMillis(1), Duration.ZERO)).isEqualTo(1);
        assertThat(closed).containsExactly(idleConnection);
        assertThat(pool.state(busy.slot())).as("a connection in use is not touched").isEqualTo(SlotState.IN_USE);
        assertThat(pool.closeExpired(Duration.ZERO, Duration.ofMillis(1))).isZero();
    }

    @Test
    void aConnectionOlderThanMaxConnectionAgeIsClosedWhenReturned() throws Exception {
        Pool<Connection> pool = pool(2, Duration.ofSeconds(1));
        Checkout<Connection> young = take(pool.acquire(ALICE, 0, loop));
        open(pool, young, ALICE);
        pool.maxConnectionAge(Duration.ofHours(1));
        pool.release(young.slot());
        assertThat(pool.state(young.slot())).isEqualTo(SlotState.FREE);

        Checkout<Connection> old = take(pool.acquire(BOB, 0, loop));
        Connection oldConnection = open(pool, old, BOB);
        Thread.sleep(5);
        pool.maxConnectionAge(Duration.ofMillis(1));
        pool.release(old.slot());
        assertThat(closed).containsExactly(oldConnection);
        assertThat(pool.state(old.slot())).isEqualTo(SlotState.NOTINIT);
    }

    @Test
    void waitersAreServedInArrivalOrderWhenConnectionsReturn() throws Exception {
        Pool<Connection> pool = pool(4, Duration.ofSeconds(5));
        Checkout<Connection> held = take(pool.acquire(ALICE, 1, loop));
        open(pool, held, ALICE);
        List<Integer> order = new ArrayList<>();
        Future<Checkout<Connection>> second = pool.acquire(ALICE, 1, loop).addListener(f -> order.add(2));
        Future<Checkout<Connection>> third = pool.acquire(ALICE, 1, loop).addListener(f -> order.add(3));
        assertThat(second.isDone()).as("max_size 1 is reached").isFalse();

        pool.release(held.slot());
        Checkout<Connection> got = take(second);
        assertThat(got.connection()).isNotNull();
        assertThat(third.isDone()).isFalse();
        pool.release(got.slot());
        take(third);
        loop.submit(() -> { }).get();
        assertThat(order).containsExactly(2, 3);
    }

    @Test
    void aReturnedConnectionGoesToTheOldestWaiterOnItsOwnLoop() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(5));
        Checkout<Connection> held = holdOnItsLoop(pool);
        Future<Checkout<Connection>> elsewhere = pool.acquire(ALICE, 0, loop);
        Future<Checkout<Connection>> sameLoop = pool.acquire(ALICE, 0, connectionLoop);

        pool.release(held.slot());
        assertThat(take(sameLoop).slot()).isEqualTo(held.slot());
        assertThat(elsewhere.isDone()).as("the older waiter on another loop waits").isFalse();
        pool.release(held.slot());
        assertThat(take(elsewhere).slot()).isEqualTo(held.slot());
    }

    @Test
    void theOldestWaiterIsOvertakenABoundedNumberOfTimes() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(5));
        Checkout<Connection> held = holdOnItsLoop(pool);
        Future<Checkout<Connection>> oldest = pool.acquire(ALICE, 0, loop);
        for (int i = 0; i < Pool.MAX_OVERTAKEN; i++) {
            Future<Checkout<Connection>> newer = pool.acquire(ALICE, 0, connectionLoop);
            pool.release(held.slot());
            assertThat(newer.isDone()).as("overtaking %d", i + 1).isTrue();
            assertThat(oldest.isDone()).isFalse();
        }
        Future<Checkout<Connection>> newer = pool.acquire(ALICE, 0, connectionLoop);
        pool.release(held.slot());
        assertThat(take(oldest).slot()).as("served once overtaken %d times", Pool.MAX_OVERTAKEN).isEqualTo(held.slot());
        assertThat(newer.isDone()).isFalse();
    }

    @Test
    void withoutADeadlineAWaiterWaitsUntilAConnectionReturns() throws Exception {
        Pool<Connection> pool = pool(1, Pool.NO_DEADLINE);
        Checkout<Connection> held = take(pool.acquire(ALICE, 0, loop));
        open(pool, held, ALICE);
        Future<Checkout<Connection>> waiting = pool.acquire(ALICE, 0, loop);
        Thread.sleep(300);
        assertThat(waiting.isDone()).isFalse();
        pool.release(held.slot());
        assertThat(take(waiting).slot()).isEqualTo(held.slot());
    }

    @Test
    void aReturnedConnectionIsNotEvictedForAWaiterOnItsLoopWithAnotherKey() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(5));
        Checkout<Connection> held = holdOnItsLoop(pool);
        Future<Checkout<Connection>> sameKeyElsewhere = pool.acquire(ALICE, 0, loop);
        Future<Checkout<Connection>> otherKeySameLoop = pool.acquire(BOB, 0, connectionLoop);

        pool.release(held.slot());
        assertThat(take(sameKeyElsewhere).connection()).as("reused as it is").isSameAs(pool.connection(held.slot()));
        assertThat(otherKeySameLoop.isDone()).isFalse();
    }

    @Test
    void aNewcomerWithAnotherKeyIsNotHeldUpByWaitersAtTheirLimit() throws Exception {
        Pool<Connection> pool = pool(4, Duration.ofSeconds(5));
        open(pool, take(pool.acquire(ALICE, 1, loop)), ALICE);
        Future<Checkout<Connection>> atLimit = pool.acquire(ALICE, 1, loop);
        Future<Checkout<Connection>> bob = pool.acquire(BOB, 0, loop);
        assertThat(take(bob).isNew()).as("a free slot is there for bob").isTrue();
        assertThat(atLimit.isDone()).isFalse();
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueue() throws Exception {
        Pool<Connection> pool = pool(1, Pool.NO_DEADLINE);
        Checkout<Connection> held = take(pool.acquire(ALICE, 0, loop));
        open(pool, held, ALICE);
        Future<Checkout<Connection>> gaveUp = pool.acquire(ALICE, 0, loop);
        Future<Checkout<Connection>> waiting = pool.acquire(ALICE, 0, loop);
        assertThat(pool.awaiting()).isEqualTo(2);
        gaveUp.cancel(false);
        loop.submit(() -> { }).get();
        assertThat(pool.awaiting()).as("left at once, though waiters have no deadline").isEqualTo(1);
        pool.release(held.slot());
        Checkout<Connection> next = take(waiting);
        assertThat(next.slot()).as("the next waiter is served, not the one that left").isEqualTo(held.slot());
        assertThat(pool.state(held.slot())).isEqualTo(SlotState.IN_USE);
    }

    @Test
    void failsAfterBlockingTimeout() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofMillis(200));
        open(pool, take(pool.acquire(ALICE, 0, loop)), ALICE);
        long start = System.nanoTime();
        Future<Checkout<Connection>> waiting = pool.acquire(ALICE, 0, loop).await();
        assertThat(waiting.cause()).isInstanceOf(PoolFullException.class).hasMessage("connection pool is full");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(3));
    }

    @Test
    void evictsAnIdleConnectionOfAnotherKeyWhenFull() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(1));
        Checkout<Connection> alice = take(pool.acquire(ALICE, 0, loop));
        Connection aliceConnection = open(pool, alice, ALICE);
        pool.release(alice.slot());

        Checkout<Connection> bob = take(pool.acquire(BOB, 0, loop));
        assertThat(bob.isNew()).isTrue();
        assertThat(bob.slot()).isEqualTo(alice.slot());
        assertThat(pool.state(bob.slot())).isEqualTo(SlotState.INIT);
        assertThat(closed).as("the evicted connection is closed").containsExactly(aliceConnection);
    }

    @Test
    void killedSlotServesAWaiter() throws Exception {
        Pool<Connection> pool = pool(1, Duration.ofSeconds(5));
        Checkout<Connection> held = take(pool.acquire(ALICE, 0, loop));
        open(pool, held, ALICE);
        Future<Checkout<Connection>> waiting = pool.acquire(BOB, 0, loop);
        pool.kill(held.slot());
        Checkout<Connection> got = take(waiting);
        assertThat(got.isNew()).isTrue();
        assertThat(pool.connection(got.slot())).isNull();
    }

    @Test
    void theCloserClosesWhatThePoolLetsGoAndThePoolWritesNothing() throws Exception {
        Pool<Connection> pool = pool(2, Duration.ofSeconds(1));
        Checkout<Connection> slot = take(pool.acquire(ALICE, 0, loop));
        Connection killed = open(pool, slot, ALICE);
        pool.kill(slot.slot());

        slot = take(pool.acquire(ALICE, 0, loop));
        Connection unusable = open(pool, slot, ALICE);
        unusable.reusable = false;
        pool.release(slot.slot());

        Checkout<Connection> first = take(pool.acquire(ALICE, 0, loop));
        Checkout<Connection> second = take(pool.acquire(ALICE, 0, loop));
        Connection kept = open(pool, first, ALICE);
        Connection evicted = open(pool, second, ALICE);
        pool.release(first.slot());
        pool.release(second.slot());
        assertThat(take(pool.acquire(BOB, 0, loop)).slot()).isEqualTo(second.slot());

        pool.close();
        assertThat(closed).containsExactly(killed, unusable, evicted, kept);
        for (Connection connection : closed) {
            assertThat(connection.channel.isOpen()).as("closed by the closer only").isTrue();
            assertThat((Object) connection.channel.readOutbound()).as("nothing written by the pool").isNull();
        }
    }

    /** A new connection of {@code key}, handed out. */
    private Checkout<Connection> opened(Pool<Connection> pool, PoolKey key) throws Exception {
        Checkout<Connection> checkout = take(pool.acquire(key, 0, loop));
        open(pool, checkout, key);
        return checkout;
    }

    private static final PoolKey ELSEWHERE = PoolKey.of("alice", "other", Map.of());

    @Test
    void closeIdleClosesTheFreeConnectionsToADatabaseWhateverTheirUserAndLeavesTheRest() throws Exception {
        Pool<Connection> pool = pool(4, Duration.ofSeconds(1));
        Checkout<Connection> alice = opened(pool, ALICE);
        Checkout<Connection> bob = opened(pool, BOB);
        Checkout<Connection> other = opened(pool, ELSEWHERE);
        Checkout<Connection> held = opened(pool, ALICE);
        List<Connection> toDb = List.of(pool.connection(alice.slot()), pool.connection(bob.slot()));
        pool.release(alice.slot());
        pool.release(bob.slot());
        pool.release(other.slot());

        assertThat(pool.closeIdle(List.of("db"), Duration.ZERO)).isEqualTo(2);
        assertThat(closed).containsExactlyInAnyOrderElementsOf(toDb);
        assertThat(pool.state(alice.slot())).isEqualTo(SlotState.NOTINIT);
        assertThat(pool.state(bob.slot())).isEqualTo(SlotState.NOTINIT);
        assertThat(pool.state(other.slot())).as("another database").isEqualTo(SlotState.FREE);
        assertThat(pool.state(held.slot())).as("handed out: not touched").isEqualTo(SlotState.IN_USE);

        pool.release(held.slot());
        assertThat(pool.state(held.slot())).as("no window asked: pooled as usual").isEqualTo(SlotState.FREE);
    }

    @Test
    void aConnectionToADatabaseBeingClosedThatIsGivenBackWithinTheWindowIsClosed() throws Exception {
        Pool<Connection> pool = pool(2, Duration.ofSeconds(1));
        Checkout<Connection> held = opened(pool, ALICE);
        Checkout<Connection> other = opened(pool, ELSEWHERE);
        Connection connection = pool.connection(held.slot());

        assertThat(pool.closeIdle(List.of("db"), Duration.ofMinutes(1))).isZero();
        pool.release(other.slot());
        assertThat(pool.state(other.slot())).as("another database is pooled").isEqualTo(SlotState.FREE);
        pool.release(held.slot());
        assertThat(pool.state(held.slot())).isEqualTo(SlotState.NOTINIT);
        assertThat(closed).containsExactly(connection);
    }

    @Test
    void closingIdleConnectionsServesAWaiterTheirLimitHeldBack() throws Exception {
        PoolKey otherParameters = PoolKey.of("alice", "db", Map.of("application_name", "b"));
        Pool<Connection> pool = pool(4, Duration.ofSeconds(5));
        Checkout<Connection> idle = take(pool.acquire(otherParameters, 1, loop));
        open(pool, idle, otherParameters);
        pool.release(idle.slot());
        Future<Checkout<Connection>> waiting = pool.acquire(ALICE, 1, loop);
        assertThat(waiting.isDone()).as("max_size 1 is reached").isFalse();

        assertThat(pool.closeIdle(List.of("db"), Duration.ZERO)).isEqualTo(1);
        assertThat(take(waiting).isNew()).isTrue();
    }
}
