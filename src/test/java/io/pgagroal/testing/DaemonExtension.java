package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.security.MasterKey;
import io.pgagroal.security.UsersFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (trust) started once per test class, for tests that run pgagroal in front of it as
 * daemon JVMs ({@link Daemon}). Every daemon a test starts here, or hands over with {@link #track}, is
 * killed after that test whatever its outcome, so a failed assertion leaves no process holding a port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DaemonExtension PG = new DaemonExtension();
 * }</pre>
 */
public final class DaemonExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final List<Long> started = new ArrayList<>();
    private PostgresServer postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres = PostgresServer.start(PostgresServer.AuthMethod.TRUST);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        started.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (postgres != null) {
            postgres.stop();
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /** {@link Daemon#start}, killed after the test. */
    public Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        return track(Daemon.start(log, jvmOptions, args));
    }

    /** A process the test started by itself, killed after the test. */
    public Process track(Process process) {
        track(process.pid());
        return process;
    }

    /** A process the test learnt of (the daemon pgagroal -d left running), killed after the test. */
    public long track(long pid) {
        started.add(pid);
        return pid;
    }

    /** {@link Daemon#configuration} of {@code dir}/{@code name} on {@code host:port} in front of this PostgreSQL. */
    public Path configuration(Path dir, String name, String host, int port, String extra) throws IOException {
        return Daemon.configuration(dir.resolve(name), host, port, extra, postgres.host(), postgres.port());
    }

    /**
     * Starts pgagroal on 127.0.0.1:{@code port} with its files in {@code dir}: pgagroal.conf with the
     * [pgagroal] lines {@code extra}, trust at the pooler, a users vault holding {@code user} (its
     * master key in dir/home) and the pgagroal_databases.conf line {@code limits}, as the transaction
     * pipeline needs; returns once it listens, killed after the test.
     */
    public Process startWithVault(Path dir, int port, String user, String password, String extra, String limits) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        MasterKey key = MasterKey.create(home, "a-master-key-for-tests", false);
        Path users = dir.resolve("pgagroal_users.conf");
        UsersFile file = UsersFile.openOrNew(users);
        file.add(user, password, key);
        file.write();
        Path conf = configuration(dir, "pgagroal.conf", "127.0.0.1", port, extra);
        Path databases = Files.writeString(dir.resolve("pgagroal_databases.conf"), limits + "\n");
        Path log = dir.resolve("console.log");
        Process daemon = start(log, List.of("-D" + MasterKey.HOME_PROPERTY + "=" + home),
                "-c", conf.toString(), "-a", Daemon.trustHba(dir).toString(), "-u", users.toString(), "-l", databases.toString());
        Daemon.awaitListening(port, dir, daemon, log);
        return daemon;
    }

    /** pgJDBC as the superuser through the pooler on 127.0.0.1:{@code port} runs SELECT 1. */
    public void assertServes(int port) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", postgres.superuser());
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties)) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
    }
}
