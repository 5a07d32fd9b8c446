package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A buffer leaked on purpose is caught; the check then finds nothing more, so this class passes. */
class LeakCheckTest {

    @Test
    void leakedBufferFailsTheCheck() {
        assertThat(ResourceLeakDetector.getLevel()).as("tests run with paranoid leak detection").isEqualTo(ResourceLeakDetector.Level.PARANOID);
        String marker = "leaked on purpose " + UUID.randomUUID();
        leak(marker);
        assertThatThrownBy(() -> LeakCheck.check("LeakCheckTest"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Netty reported 1 leak(s) while or after LeakCheckTest ran")
                .hasMessageContaining(marker)
                .hasMessageContaining(LeakCheckTest.class.getName() + ".leak");
    }

    /** Allocates and drops a buffer; the hint, recorded last, is always kept in the report. */
    private static void leak(String marker) {
        ByteBufAllocator.DEFAULT.buffer(16).writeInt(42).touch(marker);
    }
}
