package io.pgagroal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PgbenchResultTest {

    @Test
    void readsTheFiguresOfAPostgres15Report() {
        String report = """
                transaction type: <builtin: select only>
                scaling factor: 10
                query mode: prepared
                number of clients: 10
                number of threads: 2
                maximum number of tries: 1
                duration: 2 s
                number of transactions actually processed: 81234
                number of failed transactions: 3 (0.004%)
                latency average = 0.245 ms
                initial connection time = 12.345 ms
                tps = 40612.345678 (without initial connection time)
                """;
        PgbenchResult result = PgbenchResult.parse(new ProcessResult(List.of("pgbench"), 0, false, report, ""));

        assertThat(result.processedTransactions()).hasValue(81234);
        assertThat(result.failedTransactions()).hasValue(3);
        assertThat(result.tps()).hasValue(40612.345678);
    }

    @Test
    void leavesOutWhatAnAbortedRunDidNotPrint() {
        PgbenchResult result = PgbenchResult.parse(
                new ProcessResult(List.of("pgbench"), 1, false, "", "connection to server failed"));

        assertThat(result.processedTransactions()).isEmpty();
        assertThat(result.failedTransactions()).isEmpty();
        assertThat(result.tps()).isEmpty();
    }
}
