package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.testing.Command;
import io.pgagroal.testing.DaemonExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * psycopg 3 (Debian's python3-psycopg, which {@code .ci/run} installs) through the transaction
 * pipeline, preparing every query with a cache of two statements: with a libpq older than 17 it
 * closes the statements it evicts with SQL DEALLOCATE, which names the client's statement while the
 * server knows it by the pooler-wide name (doc/TRANSACTION.md). Every query must run, as straight
 * to PostgreSQL.
 */
class PsycopgTransactionTest {

    private static final String USER = "psycopg";
    private static final String PASSWORD = "psycopg-secret";
    private static final Path SCRIPT = Path.of("src/test/python/prepared_statements.py");

    @RegisterExtension
    static final DaemonExtension PG = new DaemonExtension();

    @TempDir
    Path dir;

    private static JsonNode run(int port) throws Exception {
        ProcessResult result = Command.of("/usr/bin/python3", SCRIPT.toString(), "127.0.0.1", Integer.toString(port), USER, PASSWORD,
                "postgres").run(Duration.ofSeconds(60));
        assertThat(result.stderr()).as("psycopg 3 is needed: apt-get install python3-psycopg (.ci/run does)").doesNotContain("No module named");
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        return new ObjectMapper().readTree(result.stdout());
    }

    @Test
    void preparedStatementsDeallocatedBySqlRunAsOnPostgres() throws Exception {
        PG.postgres().createRole(USER, PASSWORD);
        JsonNode direct = run(PG.postgres().port());
        assertThat(direct.path("error").isNull()).as(direct.toString()).isTrue();
        assertThat(direct.path("queries").asInt()).isEqualTo(20);

        int port = Ports.free();
        PG.startWithVault(dir, port, USER, PASSWORD, """
                pipeline = transaction
                allow_unknown_users = off
                max_connections = 4""", "postgres " + USER + " 1 1 1");
        JsonNode pooled = run(port);
        assertThat(pooled.path("error").isNull()).as(pooled.toString()).isTrue();
        assertThat(pooled.path("queries").asInt()).isEqualTo(20);
    }
}
