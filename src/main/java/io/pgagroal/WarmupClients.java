package io.pgagroal;

import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.security.ScramClient;
import io.pgagroal.security.ScramException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The warm-up's clients: each logs in through the pooler (SCRAM-SHA-256, with the startup
 * parameters of libpq or of pgJDBC), prepares a named statement (described, as pgJDBC does, or
 * not, as libpq's PQprepare), then runs a random mix of the transactions applications run (simple
 * and extended queries, the named statement, a 50-row result, a multi-statement transaction, SQL of
 * different cases, numbers and comments), and logs out and in again every {@value #PER_LOGIN}
 * transactions, until stopped. The mix is wide on purpose: the JIT compiles for the cases it has
 * seen, and a case met first in production would throw compiled code away. A failure ends the
 * client and is kept for {@link #failure()}.
 */
final class WarmupClients implements AutoCloseable {

    static final int PER_LOGIN = 200;
    static final String USER = "pgagroal_warmup";
    /** The password of {@link #USER} in the warm-up pooler's users vault; its clients log in with SCRAM-SHA-256. */
    static final String PASSWORD = "pgagroal-warmup";
    private static final String STATEMENT = "P0_1";
    /**
     * Half the logins prepare {@link #STATEMENT} with one of this many texts: clients then meet
     * connections that lack their statement, as in a pooler's first minutes, and the transaction
     * pipeline's preparing it again is compiled too.
     */
    private static final int STATEMENT_TEXTS = 1_000;
    private static final String SELECT_BY_KEY = "SELECT abalance FROM pgbench_accounts WHERE aid = ";

    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private WarmupClients(int port) {
        this.port = port;
    }

    static WarmupClients start(int port, int count) {
        WarmupClients clients = new WarmupClients(port);
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(clients::run, "pgagroal-warmup-client-" + i);
            thread.setDaemon(true);
            clients.threads.add(thread);
            thread.start();
        }
        return clients;
    }

    long transactions() {
        return transactions.get();
    }

    /** The first failure of any client, or {@code null}. */
    Exception failure() {
        return failure.get();
    }

    private void run() {
        try {
            while (running) {
                session();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private void session() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            WarmupWire wire = new WarmupWire(socket);
            startup(wire, random.nextBoolean());
            login(wire);
            String text = SELECT_BY_KEY + "$1" + (random.nextBoolean() ? "" : " /* " + random.nextInt(STATEMENT_TEXTS) + " */");
            wire.message('P').string(STATEMENT).string(text).int16(0).send();
            if (random.nextBoolean()) {
                wire.message('D').int8('S').string(STATEMENT).send();
            }
            wire.message('S').send();
            await(wire);
            for (int i = 0; i < PER_LOGIN && running; i++) {
                int key = random.nextInt(1, 1_000_000);
                switch (random.nextInt(8)) {
                    case 0, 1 -> query(wire, SELECT_BY_KEY + key + ";");
                    case 2 -> {
                        wire.message('P').string("").string(SELECT_BY_KEY + "$1").int16(0).send();
                        execute(wire, "", key);
                    }
                    case 3, 4 -> execute(wire, STATEMENT, key);
                    case 5 -> query(wire, "SELECT aid, bid, abalance, filler FROM pgbench_accounts WHERE aid BETWEEN " + key
                            + " AND " + (key + StandInServer.RANGE_ROWS - 1));
                    case 6 -> query(wire, "select abalance from pgbench_accounts where aid = " + key + " /* " + i + " */");
                    default -> {
                        int delta = random.nextInt(-5000, 5001);
                        query(wire, "BEGIN;");
                        query(wire, "UPDATE pgbench_accounts SET abalance = abalance + " + delta + " WHERE aid = " + key + ";");
                        query(wire, SELECT_BY_KEY + key + ";");
                        query(wire, "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (" + random.nextInt(100)
                                + ", " + random.nextInt(10) + ", " + key + ", " + delta + ", CURRENT_TIMESTAMP);");
                        query(wire, "END;");
                    }
                }
                transactions.incrementAndGet();
            }
            wire.message('X').send();
            wire.flush();
        }
    }

    /** A startup message with the parameters libpq sends, or those of pgJDBC. */
    private static void startup(WarmupWire wire, boolean jdbc) throws IOException {
        wire.message(WarmupWire.UNTYPED).int32(Protocol.PROTOCOL_3_0).string("user").string(USER).string("database").string(USER);
        if (jdbc) {
            wire.string("client_encoding").string("UTF8").string("DateStyle").string("ISO").string("TimeZone").string("UTC")
                    .string("extra_float_digits").string("2").string("application_name").string("PostgreSQL JDBC Driver");
        } else {
            wire.string("application_name").string("pgbench");
        }
        wire.int8(0).send();
    }

    private static void query(WarmupWire wire, String sql) throws IOException {
        wire.message('Q').string(sql).send();
        await(wire);
    }

    /** Bind, Describe, Execute and Sync of a statement with one parameter (after a Parse of the unnamed one). */
    private static void execute(WarmupWire wire, String statement, int key) throws IOException {
        wire.message('B').string("").string(statement).int16(0).int16(1).value(Integer.toString(key)).int16(0).send();
        wire.message('D').int8('P').string("").send();
        wire.message('E').string("").int32(0).send();
        wire.message('S').send();
        await(wire);
    }

    /** Flushes, then reads up to ReadyForQuery; an ErrorResponse or an authentication request fails. */
    private static void await(WarmupWire wire) throws IOException {
        wire.flush();
        for (int type; (type = next(wire)) != 'Z'; ) {
            if (type == 'R') {
                throw new IOException("the pooler asked for authentication after the login");
            }
        }
    }

    /** Flushes the startup message, answers the pooler's SCRAM-SHA-256 exchange, reads up to ReadyForQuery. */
    private static void login(WarmupWire wire) throws IOException {
        ScramClient scram = ScramClient.withPassword(PASSWORD);
        wire.flush();
        try {
            for (int type; (type = next(wire)) != 'Z'; ) {
                if (type != 'R') {
                    continue;
                }
                int request = ByteBuffer.wrap(wire.body()).getInt();
                String data = new String(wire.body(), 4, wire.body().length - 4, StandardCharsets.UTF_8);
                switch (request) {
                    case Protocol.AUTH_OK -> {
                    }
                    case Protocol.AUTH_SASL -> {
                        byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
                        wire.message('p').string(AuthenticationSASL.SCRAM_SHA_256).int32(first.length).bytes(first).send();
                    }
                    case Protocol.AUTH_SASL_CONTINUE -> wire.message('p').bytes(scram.clientFinal(data).getBytes(StandardCharsets.UTF_8)).send();
                    case Protocol.AUTH_SASL_FINAL -> scram.verifyServerFinal(data);
                    default -> throw new IOException("the pooler asked for authentication " + request + ", not SCRAM-SHA-256");
                }
                wire.flush();
            }
        } catch (ScramException e) {
            throw new IOException("SCRAM: " + e.getMessage(), e);
        }
    }

    /** The next message's type; the end of the stream and an ErrorResponse fail. */
    private static int next(WarmupWire wire) throws IOException {
        int type = wire.read(false);
        if (type < 0) {
            throw new IOException("the pooler closed the connection");
        }
        if (type == 'E') {
            throw new IOException("the pooler answered with an error: "
                    + new String(wire.body(), StandardCharsets.UTF_8).replace('\0', ' ').strip());
        }
        return type;
    }

    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
