package io.pgagroal;

import io.pgagroal.config.ConfigException;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.LogType;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.security.Credentials;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The pgagroal daemon: the options of pgagroal(1), running in the foreground. */
@Command(name = "pgagroal", description = "pgagroal: a PostgreSQL connection pool", sortOptions = false)
public final class Main implements Callable<Integer> {

    static final int CONFIGURATION_ERROR = 2;

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

    @Option(names = {"-d", "--daemon"}, description = "Run as a daemon (not supported: run in the foreground under a service manager)")
    private boolean daemon;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Display version information")
    private boolean version;

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "Display help")
    private boolean help;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.getCommandSpec().version("pgagroal " + Version.VERSION);
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (daemon) {
            System.err.println("pgagroal: -d/--daemon is not supported; run pgagroal in the foreground (systemd: Type=simple)");
            return 1;
        }
        PgagroalConfig configuration;
        Credentials credentials;
        try {
            ConfigPaths paths = ConfigPaths.resolve(directory,
                    new ConfigPaths(config, hba, limit, users, frontendUsers, admins, superuser));
            credentials = Credentials.load(paths);
            configuration = PgagroalConfig.load(paths, credentials.knownUsers());
        } catch (ConfigException e) {
            System.err.println("pgagroal: " + e.getMessage());
            return CONFIGURATION_ERROR;
        }
        Logging.configure(configuration.main());
        Logger log = LoggerFactory.getLogger(Main.class);
        if (configuration.main().logType() == LogType.SYSLOG) {
            log.warn("log_type = syslog is not supported yet; logging to the console");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            log.warn("Running as root: consider a dedicated account for pgagroal");
        }
        Pgagroal pooler;
        try {
            pooler = Pgagroal.start(configuration, credentials);
        } catch (Exception e) {
            log.error("Could not start: {}", e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onStop(stop::countDown);
        Thread hook = new Thread(pooler::close, "pgagroal-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        log.info("Shutting down");
        pooler.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        return 0;
    }
}
