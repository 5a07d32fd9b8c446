package io.pgagroal;

import static io.pgagroal.testing.ProtocolBytes.bind;
import static io.pgagroal.testing.ProtocolBytes.execute;
import static io.pgagroal.testing.ProtocolBytes.parse;
import static io.pgagroal.testing.ProtocolBytes.sync;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction pipeline prepares a client's statements on its connections under pooler-wide
 * names, so the client's own names mean nothing to the server. SQL DEALLOCATE of such a statement
 * (psycopg 3 closes its statements so with a libpq older than 17) and a second Parse of a name the
 * client has must still answer as PostgreSQL does. The same script runs straight to PostgreSQL and
 * through the pooler, and the answers (rows, tags, SQLSTATEs, transaction status) are compared.
 */
class TransactionDeallocateTest {

    private static final String USER = "deallocator";

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private static List<String> script(RawClient client) throws IOException {
        List<String> answers = new ArrayList<>();
        Step step = (label, replies) -> answers.add(label + ": " + replies + " " + client.status());
        step.add("parse s1", client.send(parse("s1", "SELECT 1", 0), sync()));
        step.add("parse s1 again", client.send(parse("s1", "SELECT 2", 0), sync()));
        step.add("run s1", run(client, "s1"));
        step.add("DEALLOCATE s1", client.query("DEALLOCATE s1", StandardCharsets.UTF_8));
        step.add("run s1 deallocated", run(client, "s1"));
        step.add("parse s1 anew", client.send(parse("s1", "SELECT 3", 0), sync()));
        step.add("run s1 anew", run(client, "s1"));
        step.add("DEALLOCATE PREPARE s1", client.query("DEALLOCATE PREPARE s1", StandardCharsets.UTF_8));
        step.add("parse S_2", client.send(parse("S_2", "SELECT 2", 0), sync()));
        step.add("DEALLOCATE S_2 unquoted", client.query("DEALLOCATE S_2", StandardCharsets.UTF_8));
        step.add("DEALLOCATE \"S_2\"", client.query("DEALLOCATE \"S_2\"", StandardCharsets.UTF_8));
        step.add("parse s3", client.send(parse("s3", "SELECT 3", 0), sync()));
        step.add("SELECT and DEALLOCATE s3", client.query("SELECT 7; DEALLOCATE s3", StandardCharsets.UTF_8));
        step.add("run s3", run(client, "s3"));
        step.add("parse s4", client.send(parse("s4", "SELECT 4", 0), sync()));
        step.add("BEGIN", client.query("BEGIN", StandardCharsets.UTF_8));
        step.add("DEALLOCATE s4 in a transaction", client.query("DEALLOCATE s4", StandardCharsets.UTF_8));
        step.add("COMMIT", client.query("COMMIT", StandardCharsets.UTF_8));
        step.add("run s4", run(client, "s4"));
        step.add("parse s7", client.send(parse("s7", "SELECT 7", 0), sync()));
        step.add("BEGIN again", client.query("BEGIN", StandardCharsets.UTF_8));
        step.add("fail the transaction", client.query("SELECT 1/0", StandardCharsets.UTF_8));
        step.add("DEALLOCATE s7 in a failed transaction", client.query("DEALLOCATE s7", StandardCharsets.UTF_8));
        step.add("ROLLBACK", client.query("ROLLBACK", StandardCharsets.UTF_8));
        step.add("run s7", run(client, "s7"));
        step.add("parse s5", client.send(parse("s5", "SELECT 5", 0), sync()));
        step.add("DEALLOCATE s5 extended", client.send(parse("", "DEALLOCATE s5", 0), bind("", ""), execute(), sync()));
        step.add("run s5", run(client, "s5"));
        step.add("parse s6 twice in a batch", client.send(parse("s6", "SELECT 6", 0), bind("", "s6"), execute(),
                parse("s6", "SELECT 66", 0), bind("", "s6"), execute(), sync()));
        step.add("run s6", run(client, "s6"));
        step.add("an earlier error in the batch", client.send(parse("", "SELECT 1/0", 0), bind("", ""), execute(),
                parse("s6", "SELECT 66", 0), sync()));
        step.add("run s6 still", run(client, "s6"));
        step.add("DEALLOCATE nosuch", client.query("DEALLOCATE nosuch", StandardCharsets.UTF_8));
        step.add("after all", client.query("SELECT 42", StandardCharsets.UTF_8));
        return answers;
    }

    private interface Step {
        void add(String label, List<String> replies);
    }

    private static List<String> run(RawClient client, String statement) throws IOException {
        return client.send(bind("", statement), execute(), sync());
    }

    @Test
    void deallocateAndDuplicateParseAnswerAsPostgresDoes() throws Exception {
        PG.postgres().createRole(USER, "deallocator-secret");
        int port = Ports.free();
        PG.startWithVault(dir, port, USER, "deallocator-secret", """
                pipeline = transaction
                allow_unknown_users = off
                max_connections = 4""", "postgres " + USER + " 1 1 1");
        List<String> direct;
        try (RawClient client = RawClient.connect("127.0.0.1", PG.postgres().port(), USER, "postgres")) {
            direct = script(client);
        }
        assertThat(direct).as("the script shows what it is about").contains("parse s1 again: [E 42P05] I",
                "DEALLOCATE s1: [C DEALLOCATE] I", "run s1 deallocated: [E 26000] I", "DEALLOCATE s5 extended: [C DEALLOCATE] I",
                "parse s6 twice in a batch: [D 6, C SELECT 1, E 42P05] I", "an earlier error in the batch: [E 22012] I");
        try (RawClient client = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
            assertThat(script(client)).isEqualTo(direct);
        }
    }
}
