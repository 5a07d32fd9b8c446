package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.PgBinaries;
import io.pgagroal.testing.Pgbench;
import io.pgagroal.testing.PgbenchResult;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Psql;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * What real clients do, through the pooler: pgbench in every query mode, psql over TCP and the Unix
 * socket, pgJDBC queries, prepared statements, transactions, COPY both ways, cancel, and a result
 * far larger than the pooler may buffer. Each pipeline runs the whole set (see the subclasses).
 */
abstract class ClientCompatibilityTests {

    private static final long MB = 1024 * 1024;

    private final PoolerExtension pg;

    ClientCompatibilityTests(PoolerExtension pg) {
        this.pg = pg;
    }

    private PoolerExtension pg() {
        return pg;
    }

    @Test
    void pgbenchInEveryQueryModeFailsNothing() {
        Endpoint pooler = pg().endpoint();
        assertThat(Pgbench.initialize(pooler, 1).succeeded()).isTrue();
        for (Pgbench.Mode mode : Pgbench.Mode.values()) {
            PgbenchResult result = Pgbench.against(pooler).mode(mode).clients(4).threads(2).transactions(100).run();
            assertThat(result.process().succeeded()).as("%s: %s", mode, result.process().describe()).isTrue();
            assertThat(result.failedTransactions()).as(mode.name()).hasValue(0);
            assertThat(result.processedTransactions()).as(mode.name()).hasValue(400);
        }
        PgbenchResult reconnecting = Pgbench.against(pooler).selectOnly().connectPerTransaction().clients(4).threads(2).transactions(50).run();
        assertThat(reconnecting.failedTransactions()).hasValue(0);
        assertThat(reconnecting.processedTransactions()).hasValue(200);
    }

    @Test
    @Tag("nio")
    void psqlOverTcpAndUnixSocket() {
        assertThat(Psql.query(pg().endpoint(), "SELECT current_user || '@' || current_database()").orThrow().stdout().trim())
                .isEqualTo("app@appdb");
        assertThat(Psql.query(pg().unixEndpoint(), "SELECT 40 + 2").orThrow().stdout().trim()).isEqualTo("42");
    }

    @Test
    @Tag("nio")
    void jdbcQueriesPreparedStatementsAndTransactions() throws SQLException {
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS accounts");
            statement.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance numeric)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts VALUES (?, ?)")) {
                for (int i = 0; i < 20; i++) {
                    insert.setInt(1, i);
                    insert.setInt(2, i * 10);
                    insert.executeUpdate();
                }
            }
            connection.setAutoCommit(false);
            statement.execute("UPDATE accounts SET balance = balance + 1");
            connection.rollback();
            statement.execute("UPDATE accounts SET balance = balance * 2 WHERE id = 3");
            connection.commit();
            connection.setAutoCommit(true);
            try (PreparedStatement select = connection.prepareStatement("SELECT sum(balance) FROM accounts WHERE id < ?")) {
                select.setInt(1, 5);
                ResultSet rs = select.executeQuery();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("0+10+20+60+40, the rolled back update lost").isEqualTo(130);
            }
            assertThatThrownBy(() -> statement.execute("SELECT * FROM no_such_table"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42P01");
            ResultSet rs = statement.executeQuery("SELECT 1");
            assertThat(rs.next()).as("the session goes on after an error").isTrue();
        }
    }

    @Test
    void copyInAndOutOf100Megabytes() throws Exception {
        long rows = 1_000_000;
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS copied");
            statement.execute("CREATE TABLE copied (id bigint, payload text)");
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long copiedIn = copy.copyIn("COPY copied FROM STDIN", new Rows(rows));
            assertThat(copiedIn).isEqualTo(rows);
            CountingStream out = new CountingStream(0);
            long copiedOut = copy.copyOut("COPY copied TO STDOUT", out);
            assertThat(copiedOut).isEqualTo(rows);
            long idDigits = LongStream.range(0, rows).map(id -> Long.toString(id).length()).sum();
            assertThat(out.bytes.get()).isEqualTo(idDigits + rows * (Rows.PAYLOAD.length() + 2)).isGreaterThan(95 * MB);
            ResultSet rs = statement.executeQuery("SELECT count(*), sum(id), sum(length(payload)) FROM copied");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rows);
            assertThat(rs.getLong(2)).isEqualTo(rows * (rows - 1) / 2);
            assertThat(rs.getLong(3)).isEqualTo(rows * Rows.PAYLOAD.length());
            statement.execute("DROP TABLE copied");
        }
    }

    @Test
    @Tag("nio")
    void jdbcCancelStopsARunningQuery() throws Exception {
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    statement.execute("SELECT pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            pg().postgres().awaitRunning("SELECT pg_sleep(30)");
            long start = System.nanoTime();
            statement.cancel();
            SQLException error = outcome.get(10, TimeUnit.SECONDS);
            assertThat((Throwable) error).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("57014");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            ResultSet rs = statement.executeQuery("SELECT 1");
            assertThat(rs.next()).as("the connection is still usable").isTrue();
        }
    }

    @Test
    @Tag("nio")
    void psqlInterruptCancelsTheQuery() throws Exception {
        Endpoint pooler = pg().endpoint();
        ProcessBuilder builder = new ProcessBuilder(PgBinaries.tool("psql").toString(), "-X", "-h", pooler.host(),
                "-p", Integer.toString(pooler.port()), "-U", pooler.user(), "-c", "SELECT pg_sleep(31)", pooler.database())
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", pooler.password());
        Process psql = builder.start();
        pg().postgres().awaitRunning("SELECT pg_sleep(31)");
        new ProcessBuilder("kill", "-INT", Long.toString(psql.pid())).start().waitFor();
        assertThat(psql.waitFor(10, TimeUnit.SECONDS)).as("psql ends after Ctrl-C").isTrue();
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("canceling statement due to user request");
    }

    /**
     * A 1 GiB COPY OUT read by a client slower than PostgreSQL writes it: backpressure must keep
     * what the pooler buffers small. The pooler's buffers come from Netty's allocator (the test's
     * pgJDBC does not use Netty), so the allocator's memory is the pooler's buffer memory.
     */
    @Test
    @Tag("nio")
    void slowReaderOfAGigabyteKeepsPoolerMemorySmall() throws Exception {
        long rows = 1024 * 1024;
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        AtomicLong peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (Connection connection = pg().connect()) {
            CountingStream slow = new CountingStream(96 * MB);
            long copied = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT repeat('x', 1023) FROM generate_series(1, " + rows + ")) TO STDOUT", slow);
            assertThat(copied).isEqualTo(rows);
            assertThat(slow.bytes.get()).isEqualTo(rows * 1024);
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(peak.get()).as("pooler buffer memory while relaying 1 GiB").isLessThan(64 * MB);
        assertThat(heapUsed).as("heap of the JVM running the pooler and the client").isLessThan(1024 * MB);
    }

    /** COPY text rows "id\tpayload\n" generated on the fly. */
    private static final class Rows extends InputStream {
        static final String PAYLOAD = "x".repeat(93);
        private final long rows;
        private long row;
        private byte[] line = new byte[0];
        private int position;

        Rows(long rows) {
            this.rows = rows;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position == line.length) {
                if (row == rows) {
                    return -1;
                }
                line = String.format("%07d\t%s%n", row++, PAYLOAD).getBytes(StandardCharsets.US_ASCII);
                position = 0;
            }
            int n = Math.min(length, line.length - position);
            System.arraycopy(line, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** Counts what it is given; with a rate, it takes no more than that many bytes a second. */
    private static final class CountingStream extends OutputStream {
        final AtomicLong bytes = new AtomicLong();
        private final long bytesPerSecond;
        private final long start = System.nanoTime();

        CountingStream(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            long total = bytes.addAndGet(length);
            if (bytesPerSecond > 0) {
                long due = start + total * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        @Override
        public void flush() throws IOException {
        }
    }
}
