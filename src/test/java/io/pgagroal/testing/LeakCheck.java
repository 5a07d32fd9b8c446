package io.pgagroal.testing;

import io.netty.buffer.ByteBufAllocator;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak (a buffer not released) while or after it ran. Netty reports a leak
 * only once the buffer has been garbage-collected and the detector is asked to track another one,
 * so this collects garbage and allocates a buffer first. It runs after the class's own extensions,
 * when their poolers are closed. Registered for every test class (junit-platform.properties and
 * META-INF/services); public for the ServiceLoader.
 */
public final class LeakCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        check(context.getDisplayName());
    }

    static void check(String where) throws InterruptedException {
        provokeReports();
        if (!LeakRecordingDetector.installed()) {
            throw new IllegalStateException("leaks cannot be checked: run the tests with -Dio.netty.customResourceLeakDetector="
                    + LeakRecordingDetector.class.getName() + " (the surefire argLine in pom.xml has it)");
        }
        List<String> leaks = LeakRecordingDetector.take(report -> true);
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) while or after " + where + " ran:\n"
                    + String.join("\n", leaks));
        }
    }

    /**
     * Two collections, each waited for until a sentinel reference is enqueued: the Reference Handler
     * enqueues one collection's references before the next one's, so after the second sentinel
     * every buffer lost before the first is in the detector's queue, which the allocation drains.
     */
    static void provokeReports() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
            System.gc();
            queue.remove(2000);
            Reference.reachabilityFence(sentinel);
        }
        ByteBufAllocator.DEFAULT.buffer(1).release();
    }
}
