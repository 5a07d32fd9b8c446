package io.pgagroal;

import java.util.Map;

/**
 * A thread dump as text, for SIGABRT (spec §10.2: pgagroal logs and aborts). HotSpot keeps SIGQUIT
 * for its own dump to standard output, which a daemon has discarded, so the dump is built here from
 * every live thread's full stack and goes to the log.
 */
final class ThreadDump {

    private ThreadDump() {
    }

    static String now() {
        StringBuilder dump = new StringBuilder("Thread dump:");
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            dump.append("\n\"").append(thread.getName()).append("\" #").append(thread.threadId())
                    .append(thread.isDaemon() ? " daemon" : "").append(' ').append(thread.getState());
            for (StackTraceElement frame : entry.getValue()) {
                dump.append("\n    at ").append(frame);
            }
        }
        return dump.toString();
    }
}
