package io.pgagroal.vault;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.pgagroal.HelpOptions;
import io.pgagroal.Version;
import io.pgagroal.config.LogType;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.VaultConfig;
import io.pgagroal.logging.LogOutput;
import io.pgagroal.management.RemoteManagement;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.TlsProvider;
import io.pgagroal.security.UsersFile;
import io.pgagroal.security.VaultTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * pgagroal-vault (spec §1.4): an HTTP server that hands out users' current frontend passwords, asked
 * of pgagroal over its remote management port as the admin {@code [main] user}, whose password is in
 * the vault users file (-u, encrypted with the master key like pgagroal's users files). It runs until
 * stopped (SIGTERM or SIGINT). Exit status 1 when the configuration, the users file or the listening
 * address is unusable.
 */
@Command(name = "pgagroal-vault", version = "pgagroal-vault " + Version.VERSION, sortOptions = false,
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1,
        description = "Hands out the current frontend passwords of pgagroal's users over HTTP")
public final class Vault implements Callable<Integer> {

    private static final String LINE_PREFIX = "%Y-%m-%d %H:%M:%S";

    @Option(names = {"-c", "--config"}, paramLabel = "CONFIG_FILE",
            description = "Set the path to the pgagroal_vault.conf file (default: /etc/pgagroal/pgagroal_vault.conf)")
    private Path config = Path.of("/etc/pgagroal/pgagroal_vault.conf");

    @Option(names = {"-u", "--users"}, paramLabel = "USERS_FILE",
            description = "Set the path to the pgagroal_vault_users.conf file (default: /etc/pgagroal/pgagroal_vault_users.conf)")
    private Path users = Path.of("/etc/pgagroal/pgagroal_vault_users.conf");

    @Option(names = {"-d", "--daemon"}, description = "Run as a daemon (not supported yet)")
    private boolean daemon;

    @Mixin
    private HelpOptions helpOptions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Vault()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (daemon) {
            System.err.println("pgagroal-vault: -d/--daemon is not supported yet: run it in the foreground (for example under systemd)");
            return 1;
        }
        consoleLog();
        VaultServer server;
        try {
            server = start(config, users);
        } catch (ConfigException | IOException e) {
            System.err.println("pgagroal-vault: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pgagroal-vault-stop"));
        server.awaitClosed();
        return 0;
    }

    /**
     * The log as pgagroal_vault.conf's defaults say (the vault refuses other values yet): the console,
     * level info, lines prefixed with {@code %Y-%m-%d %H:%M:%S}.
     */
    private static void consoleLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        context.getLogger("io.netty").setLevel(Level.WARN);
        root.addAppender(new LogOutput(LogType.CONSOLE, null, true, 0, Duration.ZERO, LINE_PREFIX).start(context));
    }

    /**
     * Reads the configuration and the vault users file and starts listening.
     *
     * @throws ConfigException naming the file and line: a bad configuration, no master key, a users
     *     file that does not decrypt or lacks the {@code [main] user}
     */
    static VaultServer start(Path config, Path users) throws ConfigException, IOException {
        VaultConfig vault = VaultConfig.load(config);
        Logger log = LoggerFactory.getLogger(Vault.class);
        vault.warnings().forEach(log::warn);
        String password = UsersFile.read(users, MasterKey.load()).password(vault.user()).orElseThrow(() ->
                new ConfigException(users.toString(), 0, null, "no password for user \"" + vault.user()
                        + "\" ([main] user of " + config + ")"));
        VaultTls tls = VaultTls.load(config, vault).orElse(null);
        if (tls != null) {
            TlsProvider.logChoice();
        }
        return VaultServer.start(vault, tls, new RemoteManagement(vault.pgagroalHost(), vault.pgagroalPort(), vault.user(), password));
    }
}
