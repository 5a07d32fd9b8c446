package io.pgagroal;

import static io.pgagroal.testing.ProtocolBytes.bind;
import static io.pgagroal.testing.ProtocolBytes.execute;
import static io.pgagroal.testing.ProtocolBytes.parse;
import static io.pgagroal.testing.ProtocolBytes.sync;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that leaves in the middle of an extended-protocol batch, without its Sync, after a
 * message of the batch failed: the server then skips every message until a Sync, so the connection's
 * reset must send one first, or the next client over the same connection waits for ever (transaction
 * pipeline, the client gone without Terminate) or the connection is lost to a reset that timed out
 * (session pipeline, the client ending with Terminate; one gone without it loses its connection
 * there by design). Two clients over one server connection each time.
 */
class LeftBatchTest {

    private static final String USER = "leaver";
    private static final String PASSWORD = "leaver-secret";

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private int start(String pipeline) throws Exception {
        PG.postgres().execute("DROP ROLE IF EXISTS " + USER);
        PG.postgres().createRole(USER, PASSWORD);
        int port = Ports.free();
        PG.startWithVault(dir, port, USER, PASSWORD, "pipeline = " + pipeline + "\nallow_unknown_users = off\nmax_connections = 4",
                "postgres " + USER + " 1 1 1");
        return port;
    }

    private static RawClient client(int port) throws Exception {
        return RawClient.connect("127.0.0.1", port, USER, "postgres");
    }

    /**
     * {@code leaver}, which holds the connection after a query, writes {@code batch} without its
     * Sync and goes away without Terminate; the next client over the connection must be answered.
     */
    private static void leaveInsideThenServeNext(int port, RawClient leaver, byte[]... batch) throws Exception {
        assertThat(leaver.query("SELECT 5", StandardCharsets.UTF_8)).containsExactly("D 5", "C SELECT 1");
        leaver.write(batch);
        leaver.abandon();
        try (RawClient next = client(port)) {
            assertThat(next.query("SELECT 42", StandardCharsets.UTF_8)).containsExactly("D 42", "C SELECT 1");
        }
    }

    @Test
    void transactionPipelineAfterAServerError() throws Exception {
        int port = start("transaction");
        leaveInsideThenServeNext(port, client(port), parse("", "SELEC 1", 0), bind("", ""), execute());
    }

    @Test
    void transactionPipelineAfterThePoolersRefusal() throws Exception {
        int port = start("transaction");
        RawClient leaver = client(port);
        assertThat(leaver.send(parse("dup", "SELECT 1", 0), sync())).isEmpty();
        leaveInsideThenServeNext(port, leaver, parse("dup", "SELECT 2", 0), bind("", "dup"), execute());
    }

    @Test
    void sessionPipelineKeepsTheConnection() throws Exception {
        int port = start("session");
        String backend;
        try (RawClient first = client(port)) {
            backend = first.query("SELECT pg_backend_pid()", StandardCharsets.UTF_8).get(0);
            first.write(parse("", "SELEC 1", 0), bind("", ""), execute());
        }
        try (RawClient next = client(port)) {
            List<String> answer = next.query("SELECT pg_backend_pid()", StandardCharsets.UTF_8);
            assertThat(answer).as("the same server connection, reset").containsExactly(backend, "C SELECT 1");
        }
    }
}
