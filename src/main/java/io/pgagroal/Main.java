package io.pgagroal;

import io.netty.util.internal.PlatformDependent;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.LogType;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.security.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The pgagroal daemon: the options of pgagroal(1). It runs in the foreground, or with {@code -d}
 * starts itself again in the background ({@link Detach}). Around the pooler it keeps the pid file
 * and tells systemd ({@link Notifier}) when it listens and when it stops.
 */
@Command(name = "pgagroal", description = "pgagroal: a PostgreSQL connection pool", sortOptions = false)
public final class Main implements Callable<Integer> {

    static final int CONFIGURATION_ERROR = 2;
    /** The status of a process ended by abort(3), as pgagroal's SIGABRT ends. */
    static final int ABORTED = 128 + 6;

    @Option(names = {"-c", "--config"}, paramLabel = "CONFIG_FILE", description = "Set the path to the pgagroal.conf file")
    private Path config;

    @Option(names = {"-a", "--hba"}, paramLabel = "HBA_FILE", description = "Set the path to the pgagroal_hba.conf file")
    private Path hba;

    @Option(names = {"-l", "--limit"}, paramLabel = "LIMIT_FILE", description = "Set the path to the pgagroal_databases.conf file")
    private Path limit;

    @Option(names = {"-u", "--users"}, paramLabel = "USERS_FILE", description = "Set the path to the pgagroal_users.conf file")
    private Path users;

    @Option(names = {"-F", "--frontend"}, paramLabel = "FRONTEND_USERS_FILE", description = "Set the path to the pgagroal_frontend_users.conf file")
    private Path frontendUsers;

    @Option(names = {"-A", "--admins"}, paramLabel = "ADMINS_FILE", description = "Set the path to the pgagroal_admins.conf file")
    private Path admins;

    @Option(names = {"-S", "--superuser"}, paramLabel = "SUPERUSER_FILE", description = "Set the path to the pgagroal_superuser.conf file")
    private Path superuser;

    @Option(names = {"-D", "--directory"}, paramLabel = "DIRECTORY", description = "Set the directory containing all configuration files")
    private Path directory;

    @Option(names = {"-d", "--daemon"}, description = "Run as a daemon (in the background once it listens; needs log_type = file or syslog)")
    private boolean daemon;

    @Mixin
    private HelpOptions helpOptions;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.getCommandSpec().version("pgagroal " + Version.VERSION);
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PgagroalConfig configuration;
        Credentials credentials;
        try {
            ConfigPaths paths = ConfigPaths.resolve(directory,
                    new ConfigPaths(config, hba, limit, users, frontendUsers, admins, superuser));
            credentials = Credentials.load(paths);
            configuration = PgagroalConfig.load(paths, credentials.knownUsers());
            configuration.requireSupported();
        } catch (ConfigException e) {
            System.err.println("pgagroal: " + e.getMessage());
            return CONFIGURATION_ERROR;
        }
        if (daemon && configuration.main().logType() == LogType.CONSOLE) {
            System.err.println("pgagroal: -d/--daemon needs log_type = file or syslog: a daemon has no console");
            return CONFIGURATION_ERROR;
        }
        try {
            Logging.configure(configuration.main());
        } catch (UncheckedIOException e) {
            System.err.println("pgagroal: " + e.getMessage());
            return 1;
        }
        try {
            // on the terminal before -d detaches, once logging is set up (Netty logs as it loads its natives)
            Pgagroal.requireStartable(configuration);
        } catch (ConfigException e) {
            System.err.println("pgagroal: " + e.getMessage());
            return CONFIGURATION_ERROR;
        }
        if (daemon && !Detach.isDetached()) {
            return Detach.launch(System.out, System.err, configuration.main().warmup());
        }
        Notifier notifier = Notifier.fromEnvironment();
        Logger log = LoggerFactory.getLogger(Main.class);
        if ("root".equals(System.getProperty("user.name"))) {
            log.warn("Running as root: consider a dedicated account for pgagroal");
        }
        if (!PlatformDependent.hasUnsafe()) {
            log.warn("Netty runs without sun.misc.Unsafe ({}): every buffer access is bounds-checked, which costs CPU on"
                    + " every message; on JDK 23+ start the JVM with --sun-misc-unsafe-memory-access=allow as bin/pgagroal does",
                    PlatformDependent.getUnsafeUnavailabilityCause().getMessage());
        }
        PidFile pidFile;
        Pgagroal pooler;
        try {
            pidFile = PidFile.create(configuration.main().pidfile());
        } catch (IOException e) {
            return couldNotStart(e, configuration, notifier, log);
        }
        try {
            if (!configuration.main().warmup().isZero()) {
                notifier.status("Warming up");
                Warmup.run(configuration);
            }
            pooler = Pgagroal.start(configuration, credentials);
        } catch (Exception e) {
            pidFile.remove();
            return couldNotStart(e, configuration, notifier, log);
        }
        pooler.afterReload(next -> Logging.configure(next.main()));
        Signals.onReload(() -> {
            notifier.reloading();
            pooler.reload();
            notifier.ready("Listening on port " + pooler.port());
        });
        Signals.on("ABRT", () -> {
            log.error("{}", ThreadDump.now());
            pidFile.remove();
            Runtime.getRuntime().halt(ABORTED);
        });
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onStop(stop::countDown);
        try {
            Signals.on("TRAP", pooler::shutdownGracefully);
        } catch (IllegalArgumentException e) {
            log.warn("SIGTRAP cannot be handled on this JVM ({}): use pgagroal-cli shutdown gracefully", e.getMessage());
        }
        pooler.stopped().thenRun(stop::countDown);
        Thread hook = new Thread(() -> {
            pooler.close();
            pidFile.remove();
        }, "pgagroal-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        notifier.ready("Listening on port " + pooler.port());
        stop.await();
        log.info("Shutting down");
        notifier.stopping();
        pooler.close();
        pidFile.remove();
        Runtime.getRuntime().removeShutdownHook(hook);
        return 0;
    }

    /** Logs why start-up failed, also on stderr when the log is elsewhere, and tells systemd or {@code -d}. */
    private static int couldNotStart(Exception e, PgagroalConfig configuration, Notifier notifier, Logger log) {
        log.error("Could not start: {}", e.getMessage());
        if (configuration.main().logType() != LogType.CONSOLE) {
            System.err.println("pgagroal: could not start: " + e.getMessage());
        }
        notifier.status("Could not start: " + e.getMessage());
        return e instanceof ConfigException ? CONFIGURATION_ERROR : 1;
    }
}
