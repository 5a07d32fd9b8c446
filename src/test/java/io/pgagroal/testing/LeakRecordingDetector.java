package io.pgagroal.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Netty's leak detector in the tests (the surefire argLine names it in
 * -Dio.netty.customResourceLeakDetector): it logs each LEAK report as usual and also keeps it, for
 * {@link LeakCheck} to fail the test class that was running. Public, with this constructor, because
 * Netty creates it by reflection.
 */
public final class LeakRecordingDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed = true;
    }

    /** Whether Netty uses this detector (it makes one per resource type on first use). */
    static boolean installed() {
        return installed;
    }

    /** Removes and returns the reports kept so far that match. */
    static List<String> take(Predicate<String> which) {
        List<String> taken = new ArrayList<>();
        REPORTS.removeIf(report -> which.test(report) && taken.add(report));
        return taken;
    }

    /** Netty's own detector skips reporting when its logger is off; a leak must fail the tests regardless. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected (no records).");
    }
}
