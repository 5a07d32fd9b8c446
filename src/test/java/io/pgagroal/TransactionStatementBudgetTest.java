package io.pgagroal;

import static io.pgagroal.testing.ProtocolBytes.bind;
import static io.pgagroal.testing.ProtocolBytes.closeStatement;
import static io.pgagroal.testing.ProtocolBytes.concat;
import static io.pgagroal.testing.ProtocolBytes.execute;
import static io.pgagroal.testing.ProtocolBytes.parse;
import static io.pgagroal.testing.ProtocolBytes.sync;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction pipeline keeps each client's named prepared statements in its own memory, to
 * prepare them on whichever connection the client is given next; one client's statements may take
 * 64 MiB. A Parse beyond that fails with 54000 as a Parse fails in PostgreSQL: the rest of its batch
 * is skipped, a transaction block it ran in is aborted, and the session, its other statements and
 * the connection go on. Statements of 15 MiB each (a long comment) make four fit and a fifth not.
 * The pooler is a daemon of its own: the test JVM's paranoid leak detection would record a stack
 * trace for every byte the statement lexer reads.
 */
class TransactionStatementBudgetTest {

    private static final String USER = "budget";
    private static final String PASSWORD = "budget-secret";

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private static final String PADDING = "x".repeat(15 * 1024 * 1024);

    private static byte[] parseLarge(String name, int value) {
        return parse(name, "SELECT " + value + " /* " + PADDING + " */", 0);
    }

    private static byte[] run(String statement) {
        return concat(bind("", statement), execute(), sync());
    }

    @Test
    void aParseOverTheClientsBudgetFailsAsPostgresWouldAndNothingElseIsLost() throws Exception {
        PG.postgres().createRole(USER, PASSWORD);
        int port = Ports.free();
        PG.startWithVault(dir, port, USER, PASSWORD, """
                pipeline = transaction
                allow_unknown_users = off
                max_connections = 4
                blocking_timeout = 10""", "postgres " + USER + " 1 1 1");
        try (RawClient client = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
            for (int i = 1; i <= 4; i++) {
                assertThat(client.send(parseLarge("s" + i, i), sync())).as("statement %d fits", i).isEmpty();
            }
            assertThat(client.send(parseLarge("s5", 5), sync())).as("held no connection: the pooler answers").containsExactly("E 54000");
            assertThat(client.status()).isEqualTo('I');

            assertThat(client.send(run("s1"))).containsExactly("D 1", "C SELECT 1");
            assertThat(client.send(concat(parseLarge("s5", 5), bind("", "s5"), execute(), sync())))
                    .as("in a batch on a connection: the rest of the batch is skipped").containsExactly("E 54000");
            assertThat(client.status()).isEqualTo('I');
            assertThat(client.query("SELECT 42", StandardCharsets.UTF_8)).containsExactly("D 42", "C SELECT 1");

            assertThat(client.query("BEGIN", StandardCharsets.UTF_8)).containsExactly("C BEGIN");
            assertThat(client.send(parseLarge("s5", 5), sync())).containsExactly("E 54000");
            assertThat(client.status()).as("the transaction block is aborted, as by any error in it").isEqualTo('E');
            assertThat(client.query("SELECT 1", StandardCharsets.UTF_8)).containsExactly("E 25P02");
            assertThat(client.query("ROLLBACK", StandardCharsets.UTF_8)).containsExactly("C ROLLBACK");
            assertThat(client.status()).isEqualTo('I');

            assertThat(client.send(run("s4"))).as("the statements kept before are whole").containsExactly("D 4", "C SELECT 1");
            assertThat(client.send(closeStatement("s1"), sync())).isEmpty();
            assertThat(client.send(parseLarge("s5", 5), sync())).as("closing one made room").isEmpty();
            assertThat(client.send(run("s5"))).containsExactly("D 5", "C SELECT 1");
            assertThat(client.send(run("s1"))).as("s1 is closed").containsExactly("E 26000");

            assertThat(client.query("DEALLOCATE ALL", StandardCharsets.UTF_8)).containsExactly("C DEALLOCATE ALL");
            for (int i = 6; i <= 9; i++) {
                assertThat(client.send(parseLarge("s" + i, i), sync())).as("after DEALLOCATE ALL, statement %d fits", i).isEmpty();
            }
            assertThat(client.send(run("s9"))).containsExactly("D 9", "C SELECT 1");
        }
    }
}
