package io.pgagroal;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The daemon's signal handling: SIGTERM and SIGINT stop it (pgagroal's immediate shutdown), and it
 * then exits with status 0 rather than the JVM's 128+signal. A signal that the parent process set to
 * "ignore" (a background job of a non-interactive shell ignores SIGINT) cannot be handled; the JVM's
 * shutdown hook still closes the pooler cleanly if such a signal arrives some other way.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private static final List<String> STOP = List.of("TERM", "INT");

    private Signals() {
    }

    static void onStop(Runnable stop) {
        for (String name : STOP) {
            Signal signal = new Signal(name);
            SignalHandler previous = Signal.handle(signal, received -> {
                LOG.info("Received SIG{}", received.getName());
                stop.run();
            });
            if (previous == SignalHandler.SIG_IGN) {
                LOG.debug("SIG{} was ignored by the parent process; it will not stop pgagroal", name);
                Signal.handle(signal, SignalHandler.SIG_IGN);
            }
        }
    }
}
