package io.pgagroal.config;

import static io.pgagroal.config.Setting.Section.MAIN;
import static io.pgagroal.config.Setting.Section.SERVER;
import static io.pgagroal.config.ValueFormat.RELOAD;
import static io.pgagroal.config.ValueFormat.RESTART;
import static io.pgagroal.config.ValueFormat.bool;
import static io.pgagroal.config.ValueFormat.choice;
import static io.pgagroal.config.ValueFormat.duration;
import static io.pgagroal.config.ValueFormat.integer;
import static io.pgagroal.config.ValueFormat.path;
import static io.pgagroal.config.ValueFormat.size;
import static io.pgagroal.config.ValueFormat.string;

import java.util.List;
import java.util.Optional;

/**
 * Every key of pgagroal.conf: the {@code [pgagroal]} section and the server sections. This table is
 * the single source of truth: the parser looks keys up here, converts and range-checks values with the
 * format, and doc/CONFIGURATION.md is checked against it. A default of {@code null} marks a required
 * key; an empty default means "not set".
 */
public enum Setting {

    HOST(MAIN, "host", string(), null, RESTART,
            "Address to listen on; * listens on every address of the machine. The listeners are bound once, at start"),
    PORT(MAIN, "port", integer(1, 65535), null, RESTART,
            "Port to listen on; also names the client socket .s.PGSQL.<port> and the default pid file, so it changes only with a restart"),
    UNIX_SOCKET_DIR(MAIN, "unix_socket_dir", path(), null, RESTART,
            "Existing directory for the Unix sockets .s.pgagroal and .s.PGSQL.<port>"),
    METRICS(MAIN, "metrics", integer(0, 65535), "0", RELOAD,
            "Not supported yet: any value but the default stops start-up. Prometheus HTTP port on host; 0 disables metrics"),
    METRICS_CACHE_MAX_AGE(MAIN, "metrics_cache_max_age", duration(0), "0", RELOAD,
            "Not supported yet: any value but the default stops start-up. How long a /metrics response is served from the cache; 0 disables the cache"),
    METRICS_CACHE_MAX_SIZE(MAIN, "metrics_cache_max_size", size(1 << 20), "0", RESTART,
            "Not supported yet: any value but the default stops start-up. Largest cached /metrics response (at most 1 MiB); 0 means 256 KiB"),
    METRICS_CERT_FILE(MAIN, "metrics_cert_file", path(), "", RELOAD,
            "Not supported yet: any value but the default stops start-up. Certificate for HTTPS on the metrics port (needs metrics_key_file)"),
    METRICS_KEY_FILE(MAIN, "metrics_key_file", path(), "", RELOAD,
            "Not supported yet: any value but the default stops start-up. Private key for HTTPS on the metrics port (needs metrics_cert_file)"),
    METRICS_CA_FILE(MAIN, "metrics_ca_file", path(), "", RELOAD,
            "Not supported yet: any value but the default stops start-up. CA for metrics clients; when set, clients must present a certificate it signed"),
    MANAGEMENT(MAIN, "management", integer(0, 65535), "0", RESTART,
            "Remote management port on host: admins of pgagroal_admins.conf log in with SCRAM-SHA-256 (inside TLS when tls = on and the client asks), then send one management request; 0 disables it"),
    LOG_TYPE(MAIN, "log_type", choice("console", "file", "syslog"), "console", RESTART,
            "Where the log goes: standard output, the file log_path, or syslog (the local socket /dev/log, facility user, ident pgagroal)"),
    LOG_LEVEL(MAIN, "log_level",
            choice("fatal", "error", "warn", "info", "debug", "debug1", "debug2", "debug3", "debug4", "debug5",
                    "trace"),
            "info", RELOAD, "Lowest level logged; debug and debug1 mean DEBUG, debug2 to debug5 and trace mean TRACE"),
    LOG_PATH(MAIN, "log_path", path(), "pgagroal.log", RELOAD,
            "Log file when log_type = file; strftime patterns such as %Y%m%d are expanded each time it is opened; a pattern that expands to nothing means pgagroal.log without rotation"),
    LOG_ROTATION_AGE(MAIN, "log_rotation_age", duration(0), "0", RELOAD,
            "log_type = file: open a freshly expanded log_path when the file has been open this long; 0 disables age rotation"),
    LOG_ROTATION_SIZE(MAIN, "log_rotation_size", size(Long.MAX_VALUE), "0", RELOAD,
            "log_type = file: open a freshly expanded log_path when this many bytes were written to the file; 0 disables size rotation"),
    LOG_LINE_PREFIX(MAIN, "log_line_prefix", string(), "%Y-%m-%d %H:%M:%S", RELOAD,
            "strftime pattern printed at the start of every log line (conversions: doc/OPERATIONS.md, Logging)"),
    LOG_MODE(MAIN, "log_mode", choice("append", "create", "a", "c"), "append", RELOAD,
            "Append to the log file or truncate it when it is opened"),
    LOG_CONNECTIONS(MAIN, "log_connections", bool(), "off", RELOAD,
            "Log every successful client connection (refused ones are always logged)"),
    LOG_DISCONNECTIONS(MAIN, "log_disconnections", bool(), "off", RELOAD,
            "Log every client disconnection"),
    BLOCKING_TIMEOUT(MAIN, "blocking_timeout", duration(0), "30", RELOAD,
            "How long a client waits for a free connection; 0 = do not wait (transaction pipeline: no deadline). A client the pooler"
                    + " authenticates itself that logged in while the pool was full waits from its first message (doc/ARCHITECTURE.md)"),
    IDLE_TIMEOUT(MAIN, "idle_timeout", duration(0), "0", RELOAD,
            "Close a pooled connection unused for this long (checked every second); 0 disables it"),
    MAX_CONNECTION_AGE(MAIN, "max_connection_age", duration(0), "0", RELOAD,
            "Close a connection this old when it is returned, or within a second while it is pooled; 0 disables it"),
    VALIDATION(MAIN, "validation", choice("off", "foreground", "background"), "off", RELOAD,
            "SELECT 1 on a pooled connection before it is handed out (foreground) or on every pooled connection each background_interval (background)"),
    BACKGROUND_INTERVAL(MAIN, "background_interval", duration(5), "300", RELOAD,
            "Period of background validation (at least 5 s)"),
    MAX_RETRIES(MAIN, "max_retries", integer(0, Integer.MAX_VALUE), "5", RELOAD,
            "With blocking_timeout = 0 (not the transaction pipeline): how many more times a full pool is asked before the client is refused"),
    MAX_CONNECTIONS(MAIN, "max_connections", integer(1, 10_000), "100", RESTART,
            "Size of the pool: the most connections to all servers together (1 to 10000)"),
    ALLOW_UNKNOWN_USERS(MAIN, "allow_unknown_users", bool(), "on", RELOAD,
            "Let users absent from the users file connect, authenticated by PostgreSQL"),
    AUTHENTICATION_TIMEOUT(MAIN, "authentication_timeout", duration(0), "5", RELOAD,
            "Time allowed for each authentication step of a client; 0 means 5 s"),
    PIPELINE(MAIN, "pipeline", choice("auto", "performance", "session", "transaction"), "auto", RESTART,
            "Pooling mode; auto chooses session when failover, TLS or disconnect_client need it, else performance"),
    AUTH_QUERY(MAIN, "auth_query", bool(), "off", RELOAD,
            "Learn password hashes from PostgreSQL through the superuser and pgagroal_get_password()"),
    FAILOVER(MAIN, "failover", bool(), "off", RELOAD,
            "Not supported yet: any value but the default stops start-up. Switch to another server when the primary fails (needs failover_script and 2 servers)"),
    FAILOVER_SCRIPT(MAIN, "failover_script", path(), "", RELOAD,
            "Not supported yet: any value but the default stops start-up. Executable run on failover with old host, old port, new host, new port"),
    TLS(MAIN, "tls", bool(), "off", RELOAD,
            "Accept TLS from clients and on the management port: SSLRequest answered 'S', and PostgreSQL 17's direct TLS (needs tls_cert_file and tls_key_file)"),
    TLS_CERT_FILE(MAIN, "tls_cert_file", path(), "", RELOAD,
            "Server certificate (PEM) presented to clients; re-read on reload"),
    TLS_KEY_FILE(MAIN, "tls_key_file", path(), "", RELOAD,
            "Private key (PEM) of the server certificate (mode 0600, or 0640 when owned by root); re-read on reload"),
    TLS_CA_FILE(MAIN, "tls_ca_file", path(), "", RELOAD,
            "CA for client certificates; when set, clients must present a certificate it signed"),
    EV_BACKEND(MAIN, "ev_backend", choice("auto", "io_uring", "epoll", "kqueue"), "auto", RESTART,
            "Netty transport of the event loops: io_uring or epoll (Linux), auto = io_uring where it runs and there is one worker loop,"
                    + " else epoll where it loads, else NIO"
                    + " (doc/ARCHITECTURE.md, Event loops); a backend that cannot run here, and kqueue, stop start-up"),
    WORKER_THREADS(MAIN, "worker_threads", integer(0, 1024), "0", RESTART,
            "Not in upstream pgagroal: event-loop threads serving clients and server connections (1 to 1024); 0 = half the"
                    + " available processors, at least 1; io_uring runs 1 (doc/ARCHITECTURE.md, Event loops)"),
    WARMUP(MAIN, "warmup", duration(0), "10", RESTART,
            "Not in upstream pgagroal: before it listens, the pooler runs its pipeline over loopback against a stand-in server"
                    + " until the JIT compilers go quiet, for at most this long, so that its first clients do not meet"
                    + " interpreted code; 0 = off (doc/OPERATIONS.md, Warm-up)"),
    KEEP_ALIVE(MAIN, "keep_alive", bool(), "on", RELOAD,
            "SO_KEEPALIVE on server connections"),
    NODELAY(MAIN, "nodelay", bool(), "on", RELOAD,
            "TCP_NODELAY on listening sockets and server connections"),
    BACKLOG(MAIN, "backlog", integer(Integer.MIN_VALUE, Integer.MAX_VALUE), "0", RESTART,
            "listen() backlog; 0 or less means max(max_connections / 4, 16); used when the listeners are bound, at start"),
    HUGEPAGE(MAIN, "hugepage", choice("off", "try", "on"), "try", RESTART,
            "Huge pages for shared memory in the C implementation; accepted for compatibility"),
    TRACKER(MAIN, "tracker", bool(), "off", RELOAD,
            "Not supported yet: on stops start-up (upstream logs a PGAGROAL|... trace line for every connection event)"),
    TRACK_PREPARED_STATEMENTS(MAIN, "track_prepared_statements", bool(), "off", RESTART,
            "Transaction pipeline with max_prepared_statements = 0: run DEALLOCATE ALL after a transaction that prepared a named statement"),
    MAX_PREPARED_STATEMENTS(MAIN, "max_prepared_statements", integer(0, 100_000), "200", RESTART,
            "Transaction pipeline: protocol-level prepared statements kept per server connection (least recently used evicted); 0 turns the support off"),
    TRANSACTION_PINNING(MAIN, "transaction_pinning", choice("pin", "error", "off"), "pin", RESTART,
            "Transaction pipeline: what a statement whose effect outlives its transaction (LISTEN, temporary tables, session advisory locks, a session-level `SET myapp.x`, ...) does: pin keeps the client on its connection until it leaves, error refuses the statement, off lets it through as upstream does"),
    PIDFILE(MAIN, "pidfile", path(), "", RESTART,
            "PID file of the daemon (an embedded pooler writes none): written at start, removed at stop; a file naming another live process stops start-up, a stale one is replaced. When not set, <unix_socket_dir>/pgagroal.<port>.pid"),
    UPDATE_PROCESS_TITLE(MAIN, "update_process_title",
            choice("never", "off", "strict", "minimal", "verbose", "full"), "verbose", RELOAD,
            "Accepted for compatibility, no effect: a JVM cannot change its process title, and its threads serve many sessions each"),
    ROTATE_FRONTEND_PASSWORD_TIMEOUT(MAIN, "rotate_frontend_password_timeout", duration(0), "0", RESTART,
            "Period for generating new random frontend passwords; 0 disables rotation. The timer is armed at start"),
    ROTATE_FRONTEND_PASSWORD_LENGTH(MAIN, "rotate_frontend_password_length", integer(8, 1024), "8", RELOAD,
            "Length of generated frontend passwords (8 to 1024)"),
    DISCONNECT_CLIENT(MAIN, "disconnect_client", duration(0), "0", RELOAD,
            "Session pipeline: disconnect a client (FATAL 57P05) idle, with no traffic, for this long; 0 disables it"),
    DISCONNECT_CLIENT_FORCE(MAIN, "disconnect_client_force", bool(), "off", RELOAD,
            "With disconnect_client, also disconnect a client without traffic for that long inside a transaction or statement (FATAL 57P01)"),

    SERVER_HOST(SERVER, "host", string(), null, RESTART,
            "Server host name or address; a value starting with / is the directory of its Unix socket"),
    SERVER_PORT(SERVER, "port", integer(1, 65535), null, RESTART,
            "Server port (for a Unix socket: the suffix of .s.PGSQL.<port>)"),
    SERVER_PRIMARY(SERVER, "primary", bool(), "off", RESTART,
            "Start with this server as the primary"),
    SERVER_TLS(SERVER, "tls", bool(), "off", RESTART,
            "Connect to this server with TLS (with tls_mode = auto: on is require, or verify-ca when tls_ca_file is set); such connections are pooled"),
    SERVER_TLS_MODE(SERVER, "tls_mode", choice("auto", "disable", "prefer", "require", "verify-ca", "verify-full"), "auto", RESTART,
            "TLS to this server, as libpq's sslmode: disable, prefer (TLS when offered), require, verify-ca (chain signed by tls_ca_file), verify-full (and the certificate names host); auto follows tls"),
    SERVER_TLS_CERT_FILE(SERVER, "tls_cert_file", path(), "", RESTART,
            "Client certificate presented to the server"),
    SERVER_TLS_KEY_FILE(SERVER, "tls_key_file", path(), "", RESTART,
            "Private key of the client certificate (mode 0600, or 0640 when owned by root)"),
    SERVER_TLS_CA_FILE(SERVER, "tls_ca_file", path(), "", RESTART,
            "CA that must have signed the server certificate (verify-ca and verify-full)");

    /** The section a key is written in: {@code [pgagroal]} or a server section. */
    public enum Section { MAIN, SERVER }

    /** The kind of value a key takes. */
    public enum Type { STRING, INT, BOOL, DURATION, SIZE, PATH, ENUM }

    private final Section section;
    private final String key;
    private final ValueFormat format;
    private final String defaultValue;
    private final boolean reloadable;
    private final String description;

    Setting(Section section, String key, ValueFormat format, String defaultValue, boolean reloadable,
            String description) {
        this.section = section;
        this.key = key;
        this.format = format;
        this.defaultValue = defaultValue;
        this.reloadable = reloadable;
        this.description = description;
    }

    /** The setting of the {@code [pgagroal]} section with this key. */
    public static Optional<Setting> byKey(String key) {
        return byKey(Section.MAIN, key);
    }

    public static Optional<Setting> byKey(Section section, String key) {
        for (Setting s : values()) {
            if (s.section == section && s.key.equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Section section() {
        return section;
    }

    /** The key as written in the file. */
    public String key() {
        return key;
    }

    public Type type() {
        return format.type();
    }

    /** The unit of a number without suffix: "s" for durations, "bytes" for sizes, else empty. */
    public String unit() {
        return format.unit();
    }

    /** The values an ENUM accepts (case-insensitive); empty for other types. */
    public List<String> allowedValues() {
        return format.choices();
    }

    /** The default as it would be written in the file; empty when the key has no default. */
    public String defaultValue() {
        return defaultValue == null ? "" : defaultValue;
    }

    /** A required key has no default and must appear in its section. */
    public boolean required() {
        return defaultValue == null;
    }

    /** Whether a reload applies a change; otherwise the change waits for a restart. */
    public boolean reloadable() {
        return reloadable;
    }

    public String description() {
        return description;
    }

    /** The typed value of {@code text}; see {@link ValueFormat#parse}. */
    Object parse(String text) {
        return format.parse(text);
    }

    static boolean isPathKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key) && s.type() == Type.PATH) {
                return true;
            }
        }
        return false;
    }
}
