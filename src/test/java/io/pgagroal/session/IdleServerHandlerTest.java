package io.pgagroal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgagroal.pool.Checkout;
import io.pgagroal.pool.Pool;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.pool.SlotState;
import io.pgagroal.protocol.BackendKeyData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A parked connection that PostgreSQL sends something to never goes to another client. */
class IdleServerHandlerTest {

    private static final PoolKey KEY = PoolKey.of("app", "appdb", Map.of());

    private final Pool<ServerConnection> pool = new Pool<>(1, Duration.ofSeconds(1), ServerConnection::terminate);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    /** A connection in use in the pool's only slot, parked: its release waits for the loop's next turn. */
    private int parked() throws Exception {
        Checkout<ServerConnection> checkout = pool.acquire(KEY, 0, channel.eventLoop()).get(5, TimeUnit.SECONDS);
        ServerConnection connection = new ServerConnection(channel, null, KEY, Authentication.TRUST, new byte[0], new BackendKeyData(1, 2));
        pool.attach(checkout.slot(), connection);
        IdleServerHandler.park(channel.pipeline(), pool, checkout.slot(), connection);
        return checkout.slot();
    }

    @Test
    void dataBeforeTheDeferredReleaseClosesTheConnection() throws Exception {
        int slot = parked();
        // Read while the slot is still IN_USE; EmbeddedChannel then runs the pending release.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'N', 0, 0, 0, 4}));
        channel.runPendingTasks();

        assertThat(pool.state(slot)).isEqualTo(SlotState.NOTINIT);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aQuietParkedConnectionBecomesFree() throws Exception {
        int slot = parked();
        channel.runPendingTasks();

        assertThat(pool.state(slot)).isEqualTo(SlotState.FREE);
        assertThat(channel.isOpen()).isTrue();
    }
}
