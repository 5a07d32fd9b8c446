package io.pgagroal.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what another thread, process or timer is to make true. A loaded CI machine can take
 * seconds where a quiet one takes milliseconds, so tests poll with a generous deadline rather than
 * sleep a fixed time and hope.
 */
public final class Eventually {

    public static final Duration LIMIT = Duration.ofSeconds(10);

    private Eventually() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #LIMIT}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + LIMIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
