package io.pgagroal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives {@code pgbench} against an endpoint. A run is described fluently and started with
 * {@link #run()}:
 *
 * <pre>{@code
 * Pgbench.against(endpoint).mode(Pgbench.Mode.PREPARED).clients(10).threads(2).seconds(5).run();
 * }</pre>
 */
public final class Pgbench {

    /** pgbench's {@code -M}: the protocol used to submit queries. */
    public enum Mode { SIMPLE, EXTENDED, PREPARED }

    /** Time allowed on top of the requested duration for connecting and reporting. */
    private static final Duration GRACE = Duration.ofSeconds(60);
    private static final Duration TRANSACTION_COUNT_TIMEOUT = Duration.ofMinutes(5);

    private final Endpoint target;
    private Mode mode = Mode.SIMPLE;
    private int clients = 1;
    private int threads = 1;
    private Integer seconds;
    private Integer transactions;
    private boolean selectOnly;
    private boolean connectPerTransaction;
    private final List<String> extraOptions = new ArrayList<>();

    private Pgbench(Endpoint target) {
        this.target = target;
    }

    public static Pgbench against(Endpoint target) {
        return new Pgbench(target);
    }

    /** {@code pgbench -i -s scale}: creates and fills the pgbench tables. */
    public static ProcessResult initialize(Endpoint target, int scale) {
        List<String> command = new ArrayList<>(List.of(PgBinaries.tool("pgbench").toString(),
                "-i", "-q", "-s", Integer.toString(scale)));
        command.addAll(target.libpqOptions());
        command.add(target.database());
        return target.command(command).run(TRANSACTION_COUNT_TIMEOUT);
    }

    public Pgbench mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    public Pgbench clients(int clients) {
        this.clients = clients;
        return this;
    }

    public Pgbench threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** {@code -T}: run for a duration; replaces {@link #transactions(int)}. */
    public Pgbench seconds(int seconds) {
        this.seconds = seconds;
        this.transactions = null;
        return this;
    }

    /** {@code -t}: each client runs this many transactions; replaces {@link #seconds(int)}. */
    public Pgbench transactions(int transactions) {
        this.transactions = transactions;
        this.seconds = null;
        return this;
    }

    /** {@code -S}: the built-in select-only script instead of TPC-B. */
    public Pgbench selectOnly() {
        this.selectOnly = true;
        return this;
    }

    /** {@code -C}: a new connection for every transaction. */
    public Pgbench connectPerTransaction() {
        this.connectPerTransaction = true;
        return this;
    }

    /** Any other pgbench options, passed as they are. */
    public Pgbench options(String... options) {
        extraOptions.addAll(List.of(options));
        return this;
    }

    public PgbenchResult run() {
        // -n: initialize() already vacuumed the tables; a vacuum per run would only add noise.
        List<String> command = new ArrayList<>(List.of(PgBinaries.tool("pgbench").toString(),
                "-n", "-M", mode.name().toLowerCase(),
                "-c", Integer.toString(clients), "-j", Integer.toString(threads)));
        if (seconds != null) {
            command.addAll(List.of("-T", seconds.toString()));
        }
        if (transactions != null) {
            command.addAll(List.of("-t", transactions.toString()));
        }
        if (selectOnly) {
            command.add("-S");
        }
        if (connectPerTransaction) {
            command.add("-C");
        }
        command.addAll(extraOptions);
        command.addAll(target.libpqOptions());
        command.add(target.database());
        Duration timeout = seconds != null ? GRACE.plusSeconds(seconds) : TRANSACTION_COUNT_TIMEOUT;
        return PgbenchResult.parse(target.command(command).run(timeout));
    }
}
