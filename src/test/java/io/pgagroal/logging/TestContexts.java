package io.pgagroal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

/** A Logback context of a test's own, apart from the one the test JVM logs to. */
final class TestContexts {

    private TestContexts() {
    }

    static LoggerContext create() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        return context;
    }
}
