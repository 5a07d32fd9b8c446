package io.pgagroal;

import io.pgagroal.protocol.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just enough of a PostgreSQL server for {@link Warmup}: trust logins, and an answer of the right
 * shape to every message a pooler relays (a one-row result for a SELECT, a command tag otherwise,
 * ParseComplete, BindComplete, ...), on 127.0.0.1, one thread per connection. It fails no message:
 * the warm-up exercises the pooler's paths for ordinary traffic, not its error handling.
 */
final class StandInServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandInServer.class);
    /** Rows of the answer to a SELECT with BETWEEN. */
    static final int RANGE_ROWS = 50;
    private static final String FILLER = " ".repeat(84);

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final AtomicInteger backends = new AtomicInteger();

    StandInServer() throws IOException {
        listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pgagroal-warmup-server");
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.debug("Warm-up server: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            WarmupWire wire = new WarmupWire(socket);
            if (startup(wire)) {
                answer(wire);
            }
        } catch (IOException e) {
            LOG.debug("Warm-up server connection: {}", e.toString());
        }
    }

    /** Declines encryption until a protocol 3 startup message arrives, then logs it in. */
    private boolean startup(WarmupWire wire) throws IOException {
        while (true) {
            if (wire.read(true) < 0 || wire.body().length < 4) {
                return false;
            }
            int code = ((wire.body()[0] & 0xff) << 24) | ((wire.body()[1] & 0xff) << 16) | ((wire.body()[2] & 0xff) << 8)
                    | (wire.body()[3] & 0xff);
            if (code == Protocol.SSL_REQUEST_CODE || code == Protocol.GSSENC_REQUEST_CODE) {
                wire.flushByte('N');
            } else if (code != Protocol.PROTOCOL_3_0) {
                return false;
            } else {
                break;
            }
        }
        Map<String, String> startup = startupParameters(wire.body());
        wire.message('R').int32(Protocol.AUTH_OK).send();
        parameter(wire, "application_name", startup.getOrDefault("application_name", ""));
        parameter(wire, "client_encoding", startup.getOrDefault("client_encoding", "UTF8"));
        parameter(wire, "DateStyle", startup.containsKey("DateStyle") ? "ISO, MDY" : "ISO, DMY");
        parameter(wire, "default_transaction_read_only", "off");
        parameter(wire, "in_hot_standby", "off");
        parameter(wire, "integer_datetimes", "on");
        parameter(wire, "IntervalStyle", "postgres");
        parameter(wire, "is_superuser", "off");
        parameter(wire, "server_encoding", "UTF8");
        parameter(wire, "server_version", "15.18");
        parameter(wire, "session_authorization", startup.getOrDefault("user", ""));
        parameter(wire, "standard_conforming_strings", "on");
        parameter(wire, "TimeZone", startup.getOrDefault("TimeZone", "Etc/UTC"));
        wire.message('K').int32(backends.incrementAndGet()).int32(0x5eed).send();
        wire.message('Z').int8('I').send();
        wire.flush();
        return true;
    }

    /** The name and value pairs after the protocol version. */
    private static Map<String, String> startupParameters(byte[] body) {
        Map<String, String> parameters = new HashMap<>();
        String[] strings = new String(body, 4, body.length - 4, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < strings.length; i += 2) {
            parameters.put(strings[i], strings[i + 1]);
        }
        return parameters;
    }

    private static void parameter(WarmupWire wire, String name, String value) throws IOException {
        wire.message('S').string(name).string(value).send();
    }

    private static void answer(WarmupWire wire) throws IOException {
        char status = 'I';
        int type;
        while ((type = wire.read(false)) >= 0) {
            switch (type) {
                case 'Q' -> status = query(wire, wire.firstString(), status);
                case 'P' -> wire.message('1').send();
                case 'B' -> wire.message('2').send();
                case 'D' -> {
                    if (wire.body()[0] == 'S') {
                        wire.message('t').int16(1).int32(23).send();
                    }
                    rowDescription(wire);
                }
                case 'E' -> row(wire);
                case 'C' -> wire.message('3').send();
                case 'S' -> wire.message('Z').int8(status).send();
                case 'X' -> {
                    return;
                }
                default -> {
                }
            }
            if (wire.drained()) {
                wire.flush();
            }
        }
    }

    /** A simple query's results (one per statement) and ReadyForQuery; returns the transaction status after it. */
    private static char query(WarmupWire wire, String sql, char status) throws IOException {
        for (String statement : sql.split(";")) {
            String command = statement.strip().toUpperCase(Locale.ROOT);
            if (command.isEmpty()) {
                continue;
            }
            if (command.startsWith("SELECT") && command.contains("BETWEEN")) {
                range(wire);
            } else if (command.startsWith("SELECT")) {
                rowDescription(wire);
                row(wire);
            } else {
                String tag = command.split("\\s+")[0];
                wire.message('C').string(switch (tag) {
                    case "INSERT" -> "INSERT 0 1";
                    case "UPDATE", "DELETE" -> tag + " 1";
                    default -> tag;
                }).send();
                status = switch (tag) {
                    case "BEGIN", "START" -> 'T';
                    case "COMMIT", "END", "ROLLBACK", "ABORT" -> 'I';
                    default -> status;
                };
            }
        }
        wire.message('Z').int8(status).send();
        return status;
    }

    /** Four columns (int4, int4, int4, char(84)) of {@link #RANGE_ROWS} rows. */
    private static void range(WarmupWire wire) throws IOException {
        wire.message('T').int16(4);
        for (String column : new String[] {"aid", "bid", "abalance"}) {
            wire.string(column).int32(16398).int16(1).int32(23).int16(4).int32(-1).int16(0);
        }
        wire.string("filler").int32(16398).int16(4).int32(1042).int16(-1).int32(88).int16(0).send();
        for (int row = 1; row <= RANGE_ROWS; row++) {
            wire.message('D').int16(4).value(Integer.toString(row)).value("1").value(Integer.toString(row * 37 % 5000 - 2500))
                    .value(FILLER).send();
        }
        wire.message('C').string("SELECT " + RANGE_ROWS).send();
    }

    private static void rowDescription(WarmupWire wire) throws IOException {
        wire.message('T').int16(1).string("?column?").int32(0).int16(0).int32(23).int16(4).int32(-1).int16(0).send();
    }

    private static void row(WarmupWire wire) throws IOException {
        wire.message('D').int16(1).value("1").send();
        wire.message('C').string("SELECT 1").send();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("Warm-up server: {}", e.toString());
        }
        threads.shutdownNow();
    }
}
