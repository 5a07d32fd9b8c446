package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * pgbench running transactions of two INSERTs into a log table around a short sleep, through a
 * pooler, while a test stops or holds the pooler: the rows tell whether a transaction pgbench counted
 * committed whole (both steps), was cut between them, or was lost. pgbench logs in as {@link #USER}
 * to {@link #DATABASE}, which {@link #create} makes with the table ({@code client int, step int}).
 *
 * @param database the database, reached directly, where the table is counted and emptied
 * @param table the log table
 */
public record PairTransactions(Endpoint database, String table) {

    public static final String USER = "bench";
    public static final String PASSWORD = "bench-secret";
    public static final String DATABASE = "benchdb";

    /** Creates the pgbench user, its database and the log table {@code table} in it. */
    public static PairTransactions create(PostgresServer postgres, String table) {
        postgres.createRole(USER, PASSWORD);
        postgres.createDatabase(DATABASE, USER);
        PairTransactions pairs = new PairTransactions(postgres.superuserEndpoint().withDatabase(DATABASE), table);
        Psql.query(pairs.database, "CREATE TABLE " + table + " (client int, step int); GRANT ALL ON " + table + " TO " + USER).orThrow();
        return pairs;
    }

    /**
     * Empties the table, starts pgbench through {@code pooler} with the script written to {@code dir},
     * and returns once its rows arrive, pgbench still running.
     */
    public CompletableFuture<PgbenchResult> start(Endpoint pooler, Path dir, int clients, int transactions) throws InterruptedException {
        Path script;
        try {
            script = Files.writeString(dir.resolve(table + ".sql"), """
                    BEGIN;
                    INSERT INTO %1$s VALUES (:client_id, 1);
                    SELECT pg_sleep(0.003);
                    INSERT INTO %1$s VALUES (:client_id, 2);
                    COMMIT;
                    """.formatted(table));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Psql.query(database, "TRUNCATE " + table).orThrow();
        CompletableFuture<PgbenchResult> bench = CompletableFuture.supplyAsync(() -> Pgbench.against(pooler)
                .clients(clients).threads(2).transactions(transactions).options("-f", script.toString()).run());
        for (int i = 0; i < 500 && logged(2) < 40; i++) {
            Thread.sleep(20);
        }
        assertThat(bench).as("pgbench still runs").isNotDone();
        return bench;
    }

    /** Rows of this step (1: the transaction's first INSERT, 2: its second). */
    public long logged(int step) {
        return Long.parseLong(Psql.query(database, "SELECT count(*) FROM " + table + " WHERE step = " + step).orThrow().stdout().trim());
    }
}
