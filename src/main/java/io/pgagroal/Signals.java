package io.pgagroal;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The daemon's signal handling, as pgagroal's main process (spec §10.2): each signal name maps to
 * one action, run on the JVM's signal thread. SIGTERM, SIGINT and SIGALRM stop it (immediate shutdown), and it
 * then exits with status 0 rather than the JVM's 128+signal. A stop signal that the parent process set
 * to "ignore" (a background job of a non-interactive shell ignores SIGINT) stays ignored; the JVM's
 * shutdown hook still closes the pooler cleanly if such a signal arrives some other way. HotSpot
 * refuses to handle SIGHUP, SIGINT and SIGTERM inherited as ignored, so under nohup (which ignores
 * SIGHUP) a reload must come from pgagroal-cli: the log says so at start rather than leaving a
 * SIGHUP to do nothing unseen.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private static final List<String> STOP = List.of("TERM", "INT", "ALRM");

    private Signals() {
    }

    static void onStop(Runnable stop) {
        for (String name : STOP) {
            if (handle(name, stop) == SignalHandler.SIG_IGN) {
                LOG.debug("SIG{} was ignored by the parent process; pgagroal leaves it ignored", name);
                Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
            }
        }
    }

    /** Runs {@code reload} each time SIGHUP arrives, or warns that it cannot (see the class comment). */
    static void onReload(Runnable reload) {
        if (handle("HUP", reload) == SignalHandler.SIG_IGN) {
            LOG.warn("SIGHUP is ignored here: the process that started pgagroal set it so (nohup does), and the JVM"
                    + " cannot handle a signal it inherits ignored; reload with pgagroal-cli conf reload instead");
        }
    }

    /** Runs {@code action} each time SIG{@code name} arrives (HotSpot handles SIGTRAP and SIGABRT even if inherited ignored). */
    static void on(String name, Runnable action) {
        handle(name, action);
    }

    private static SignalHandler handle(String name, Runnable action) {
        return Signal.handle(new Signal(name), received -> {
            LOG.info("Received SIG{}", received.getName());
            action.run();
        });
    }
}
