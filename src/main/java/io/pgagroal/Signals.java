package io.pgagroal;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The daemon's signal handling, as pgagroal's main process (spec §10.2): each signal name maps to
 * one action, run on the JVM's signal thread. SIGTERM, SIGINT and SIGALRM stop it (immediate shutdown), and it
 * then exits with status 0 rather than the JVM's 128+signal. A signal that the parent process set to
 * "ignore" (a background job of a non-interactive shell ignores SIGINT) cannot be handled; the JVM's
 * shutdown hook still closes the pooler cleanly if such a signal arrives some other way.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private static final List<String> STOP = List.of("TERM", "INT", "ALRM");

    private Signals() {
    }

    static void onStop(Runnable stop) {
        STOP.forEach(name -> on(name, stop));
    }

    /** Runs {@code action} each time the signal SIG{@code name} arrives, unless the parent ignored it. */
    static void on(String name, Runnable action) {
        Signal signal = new Signal(name);
        SignalHandler previous = Signal.handle(signal, received -> {
            LOG.info("Received SIG{}", received.getName());
            action.run();
        });
        if (previous == SignalHandler.SIG_IGN) {
            LOG.debug("SIG{} was ignored by the parent process; pgagroal leaves it ignored", name);
            Signal.handle(signal, SignalHandler.SIG_IGN);
        }
    }
}
