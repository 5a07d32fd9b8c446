package io.pgagroal.config;

import static io.pgagroal.config.Setting.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code [pgagroal]} section, typed and immutable. The accessors return effective values: the
 * rules that upstream applies after parsing (authentication_timeout 0 means 5 s, backlog 0 means
 * max(max_connections / 4, 16), pipeline auto resolved, pidfile derived from unix_socket_dir and port,
 * auth_query forcing allow_unknown_users) are applied once here, so no caller repeats them.
 * {@link #value} returns the same objects as the accessors; {@link #rawValue} the text as written.
 */
public final class MainConfig {

    static final long DEFAULT_METRICS_CACHE_SIZE = 256 * 1024;

    private final SectionValues source;
    private final Map<Setting, Object> values = new EnumMap<>(Setting.class);

    /**
     * The {@code [pgagroal]} section of a pgagroal.conf, read alone (no other file, no validation
     * across files): what pgagroal-cli needs to find the management socket.
     */
    public static MainConfig read(Path file) throws ConfigException {
        return ConfFile.read(Source.read(file), System::getenv, new Warnings()).main();
    }

    /** @param serverTls whether a server is connected to with TLS, which makes pipeline = auto the session pipeline */
    MainConfig(SectionValues source, boolean serverTls) {
        this.source = source;
        for (Setting setting : Setting.values()) {
            if (setting.section() == Section.MAIN) {
                values.put(setting, source.get(setting));
            }
        }
        Path socketDir = Path.of(string(UNIX_SOCKET_DIR));
        values.put(UNIX_SOCKET_DIR, socketDir);
        values.put(PIDFILE, string(PIDFILE) == null
                ? socketDir.resolve("pgagroal." + port() + ".pid")
                : Path.of(string(PIDFILE)));
        if (authenticationTimeout().isZero()) {
            values.put(AUTHENTICATION_TIMEOUT, Duration.ofSeconds(5));
        }
        if (backlog() <= 0) {
            values.put(BACKLOG, Math.max(maxConnections() / 4, 16));
        }
        if (metricsCacheMaxSize() == 0) {
            values.put(METRICS_CACHE_MAX_SIZE, DEFAULT_METRICS_CACHE_SIZE);
        }
        values.put(ALLOW_UNKNOWN_USERS, authQuery() || (boolean) values.get(ALLOW_UNKNOWN_USERS));
        values.put(LOG_LEVEL, LogLevel.fromConfig(string(LOG_LEVEL)));
        values.put(LOG_MODE, LogMode.fromConfig(string(LOG_MODE)));
        values.put(LOG_TYPE, choice(LogType.class, LOG_TYPE));
        values.put(VALIDATION, choice(ValidationMode.class, VALIDATION));
        values.put(HUGEPAGE, choice(HugePage.class, HUGEPAGE));
        values.put(EV_BACKEND, choice(EventBackend.class, EV_BACKEND));
        values.put(UPDATE_PROCESS_TITLE, choice(UpdateProcessTitle.class, UPDATE_PROCESS_TITLE));
        values.put(TRANSACTION_PINNING, choice(TransactionPinning.class, TRANSACTION_PINNING));
        values.put(PIPELINE, resolvePipeline(string(PIPELINE), serverTls));
    }

    /**
     * Spec §2.2: auto is the session pipeline when failover, TLS with a certificate or key, TLS to a
     * server, or disconnect_client needs it, otherwise the performance pipeline.
     */
    private PipelineKind resolvePipeline(String configured, boolean serverTls) {
        if (!configured.equals("auto")) {
            return PipelineKind.valueOf(configured.toUpperCase(Locale.ROOT));
        }
        boolean tlsWithFiles = tls() && (tlsCertFile() != null || tlsKeyFile() != null);
        return failover() || tlsWithFiles || serverTls || !disconnectClient().isZero()
                ? PipelineKind.SESSION
                : PipelineKind.PERFORMANCE;
    }

    static boolean anyServerTls(List<ServerConfig> servers) {
        return servers.stream().anyMatch(ServerConfig::usesTls);
    }

    /** The effective value: String, Integer, Boolean, Duration, Long (bytes), Path or an enum; null when unset. */
    public Object value(Setting setting) {
        requireMain(setting);
        return values.get(setting);
    }

    /** The value as written in the file (unit suffixes kept), or the default as text; empty when unset. */
    public String rawValue(Setting setting) {
        requireMain(setting);
        return source.raw(setting);
    }

    SectionValues source() {
        return source;
    }

    /** An error about {@code setting}, at the line that set it ({@code file:line: key: problem}). */
    public ConfigException error(Setting setting, String problem) {
        requireMain(setting);
        return source.error(setting, problem);
    }

    private static void requireMain(Setting setting) {
        if (setting.section() != Section.MAIN) {
            throw new IllegalArgumentException(setting + " is a server setting");
        }
    }

    private String string(Setting setting) {
        return (String) values.get(setting);
    }

    private <E extends Enum<E>> E choice(Class<E> type, Setting setting) {
        return Enum.valueOf(type, string(setting).toUpperCase(Locale.ROOT));
    }

    public String host() {
        return string(HOST);
    }

    public int port() {
        return (int) values.get(PORT);
    }

    public Path unixSocketDir() {
        return (Path) values.get(UNIX_SOCKET_DIR);
    }

    /** The Prometheus port, 0 when metrics are off. */
    public int metrics() {
        return (int) values.get(METRICS);
    }

    public Duration metricsCacheMaxAge() {
        return (Duration) values.get(METRICS_CACHE_MAX_AGE);
    }

    public long metricsCacheMaxSize() {
        return (long) values.get(METRICS_CACHE_MAX_SIZE);
    }

    public String metricsCertFile() {
        return string(METRICS_CERT_FILE);
    }

    public String metricsKeyFile() {
        return string(METRICS_KEY_FILE);
    }

    public String metricsCaFile() {
        return string(METRICS_CA_FILE);
    }

    /** The remote management port, 0 when off. */
    public int management() {
        return (int) values.get(MANAGEMENT);
    }

    public LogType logType() {
        return (LogType) values.get(LOG_TYPE);
    }

    public LogLevel logLevel() {
        return (LogLevel) values.get(LOG_LEVEL);
    }

    /** The log file name pattern (strftime), expanded by the logging setup. */
    public String logPath() {
        return string(LOG_PATH);
    }

    public Duration logRotationAge() {
        return (Duration) values.get(LOG_ROTATION_AGE);
    }

    public long logRotationSize() {
        return (long) values.get(LOG_ROTATION_SIZE);
    }

    public String logLinePrefix() {
        return string(LOG_LINE_PREFIX);
    }

    public LogMode logMode() {
        return (LogMode) values.get(LOG_MODE);
    }

    public boolean logConnections() {
        return (boolean) values.get(LOG_CONNECTIONS);
    }

    public boolean logDisconnections() {
        return (boolean) values.get(LOG_DISCONNECTIONS);
    }

    public Duration blockingTimeout() {
        return (Duration) values.get(BLOCKING_TIMEOUT);
    }

    public Duration idleTimeout() {
        return (Duration) values.get(IDLE_TIMEOUT);
    }

    public Duration maxConnectionAge() {
        return (Duration) values.get(MAX_CONNECTION_AGE);
    }

    public ValidationMode validation() {
        return (ValidationMode) values.get(VALIDATION);
    }

    public Duration backgroundInterval() {
        return (Duration) values.get(BACKGROUND_INTERVAL);
    }

    public int maxRetries() {
        return (int) values.get(MAX_RETRIES);
    }

    public int maxConnections() {
        return (int) values.get(MAX_CONNECTIONS);
    }

    /** Always true with auth_query. */
    public boolean allowUnknownUsers() {
        return (boolean) values.get(ALLOW_UNKNOWN_USERS);
    }

    public Duration authenticationTimeout() {
        return (Duration) values.get(AUTHENTICATION_TIMEOUT);
    }

    /** The pipeline in effect, never auto. */
    public PipelineKind pipeline() {
        return (PipelineKind) values.get(PIPELINE);
    }

    public boolean authQuery() {
        return (boolean) values.get(AUTH_QUERY);
    }

    public boolean failover() {
        return (boolean) values.get(FAILOVER);
    }

    public String failoverScript() {
        return string(FAILOVER_SCRIPT);
    }

    public boolean tls() {
        return (boolean) values.get(TLS);
    }

    public String tlsCertFile() {
        return string(TLS_CERT_FILE);
    }

    public String tlsKeyFile() {
        return string(TLS_KEY_FILE);
    }

    public String tlsCaFile() {
        return string(TLS_CA_FILE);
    }

    public EventBackend evBackend() {
        return (EventBackend) values.get(EV_BACKEND);
    }

    public boolean keepAlive() {
        return (boolean) values.get(KEEP_ALIVE);
    }

    public boolean nodelay() {
        return (boolean) values.get(NODELAY);
    }

    public int backlog() {
        return (int) values.get(BACKLOG);
    }

    /** worker_threads as written: 0 means the automatic count. */
    public int workerThreads() {
        return (int) values.get(WORKER_THREADS);
    }

    /** How long the warm-up before listening may take at most; zero when it is off. */
    public Duration warmup() {
        return (Duration) values.get(WARMUP);
    }

    public HugePage hugepage() {
        return (HugePage) values.get(HUGEPAGE);
    }

    public boolean tracker() {
        return (boolean) values.get(TRACKER);
    }

    public boolean trackPreparedStatements() {
        return (boolean) values.get(TRACK_PREPARED_STATEMENTS);
    }

    public int maxPreparedStatements() {
        return (int) values.get(MAX_PREPARED_STATEMENTS);
    }

    public TransactionPinning transactionPinning() {
        return (TransactionPinning) values.get(TRANSACTION_PINNING);
    }

    public Path pidfile() {
        return (Path) values.get(PIDFILE);
    }

    public UpdateProcessTitle updateProcessTitle() {
        return (UpdateProcessTitle) values.get(UPDATE_PROCESS_TITLE);
    }

    public Duration rotateFrontendPasswordTimeout() {
        return (Duration) values.get(ROTATE_FRONTEND_PASSWORD_TIMEOUT);
    }

    public int rotateFrontendPasswordLength() {
        return (int) values.get(ROTATE_FRONTEND_PASSWORD_LENGTH);
    }

    public Duration disconnectClient() {
        return (Duration) values.get(DISCONNECT_CLIENT);
    }

    public boolean disconnectClientForce() {
        return (boolean) values.get(DISCONNECT_CLIENT_FORCE);
    }
}
