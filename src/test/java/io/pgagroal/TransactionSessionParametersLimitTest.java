package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction pipeline carries a client's session parameters to every connection it is given,
 * so it keeps them; past 64 KiB of names and values it keeps them no longer and the client keeps
 * its connection instead (pinned), where PostgreSQL holds them as on a connection of its own. A
 * parameter named with a dot (myapp.tenant) set for the session pins too: PostgreSQL lists such
 * placeholders nowhere the pooler could read them back from, so without the pin the value stayed on
 * the connection for the next client. The pool has one connection: a second client waits for it
 * exactly while the first is pinned.
 */
class TransactionSessionParametersLimitTest {

    private static final String USER = "settings";
    private static final String PASSWORD = "settings-secret";

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private static List<String> query(RawClient client, String sql) throws Exception {
        return client.query(sql, StandardCharsets.UTF_8);
    }

    private static CompletableFuture<List<String>> queryLater(RawClient client, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return query(client, sql);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @BeforeAll
    static void role() throws Exception {
        PG.postgres().createRole(USER, PASSWORD);
    }

    /** A search_path of that many characters and more, of short schema names (a long identifier would be cut to 63). */
    private static String searchPath(int characters) {
        StringBuilder path = new StringBuilder("s0");
        for (int i = 1; path.length() < characters; i++) {
            path.append(",s").append(i);
        }
        return path.toString();
    }

    private int start() throws Exception {
        int port = Ports.free();
        PG.startWithVault(dir, port, USER, PASSWORD, """
                pipeline = transaction
                allow_unknown_users = off
                max_connections = 4
                blocking_timeout = 30""", "postgres " + USER + " 1 1 1");
        return port;
    }

    /** Runs {@code sql} on {@code pinned}, then checks that {@code other} waits for the one connection until {@code pinned} leaves. */
    private static void assertPinnedBy(RawClient pinned, String sql, String what, RawClient other) throws Exception {
        assertThat(query(pinned, sql)).as(what).last().isIn("C SET", "C SELECT 1");
        CompletableFuture<List<String>> waiting = queryLater(other, "SELECT 2");
        Thread.sleep(1500);
        assertThat(waiting).as("the only connection stays with the client pinned by " + what).isNotDone();
        pinned.close();
        assertThat(waiting.get(20, TimeUnit.SECONDS)).containsExactly("D 2", "C SELECT 1");
    }

    @Test
    void settingsPastTheLimitPinTheClientAndStayWhole() throws Exception {
        int port = start();
        String large = searchPath(100 * 1024);
        String framedTooLong = searchPath(2 * 1024 * 1024);
        try (RawClient other = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
            try (RawClient small = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
                assertThat(query(small, "SET search_path = abc")).containsExactly("C SET");
                assertThat(query(other, "SELECT 1")).as("a small setting follows its client: the connection is free")
                        .containsExactly("D 1", "C SELECT 1");
                assertThat(query(other, "SHOW search_path")).doesNotContain("D abc");
                assertThat(query(small, "SHOW search_path")).containsExactly("D abc", "C SHOW");
            }

            RawClient pinned = RawClient.connect("127.0.0.1", port, USER, "postgres");
            assertPinnedBy(pinned, "SET search_path = '" + large + "'; SELECT 1", "a search_path of 100 KiB", other);
            assertThat(query(other, "SHOW search_path")).as("DISCARD ALL cleared it when its client left")
                    .containsExactly("D \"$user\", public", "C SHOW");
        }

        try (RawClient longer = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
            assertThat(query(longer, "SET search_path = '" + framedTooLong + "'"))
                    .as("a setting longer than the pooler reads in one message").containsExactly("C SET");
            String quoted = '"' + framedTooLong + '"';
            assertThat(query(longer, "SELECT length(current_setting('search_path'))"))
                    .as("one schema name with commas, quoted").containsExactly("D " + quoted.length(), "C SELECT 1");
            assertThat(query(longer, "SHOW search_path").equals(List.of("D " + quoted, "C SHOW"))).as("the whole search_path").isTrue();
            assertThat(longer.status()).isEqualTo('I');
        }
    }

    @Test
    void customParametersSetForTheSessionPinAndReachNoOtherClient() throws Exception {
        int port = start();
        try (RawClient other = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
            try (RawClient local = RawClient.connect("127.0.0.1", port, USER, "postgres")) {
                assertThat(query(local, "SELECT set_config('myapp.tenant', 'local', true)")).containsExactly("D local", "C SELECT 1");
                assertThat(query(other, "SELECT 1")).as("a transaction-local setting does not pin").containsExactly("D 1", "C SELECT 1");
            }

            RawClient tenant = RawClient.connect("127.0.0.1", port, USER, "postgres");
            assertThat(query(tenant, "SET myapp.tenant = 'a'")).containsExactly("C SET");
            assertThat(query(tenant, "SHOW myapp.tenant")).containsExactly("D a", "C SHOW");
            assertPinnedBy(tenant, "SELECT 1", "SET myapp.tenant", other);
            assertThat(query(other, "SELECT coalesce(current_setting('myapp.tenant', true), '')"))
                    .as("the tenant's value never reached the next client").containsExactly("D ", "C SELECT 1");

            assertPinnedBy(RawClient.connect("127.0.0.1", port, USER, "postgres"), "SELECT set_config('myapp.tenant', 'b', false)",
                    "set_config of myapp.tenant for the session", other);
        }
    }
}
