package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.pgagroal.testing.LogLines;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.PostgresServer;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client whose password PostgreSQL itself refuses (pass-through) is logged like one the pooler refuses. */
class PassThroughRefusalLogTest {

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(PostgresServer.AuthMethod.PASSWORD);

    @Test
    void postgresqlRefusingThePasswordIsLogged() throws Exception {
        try (LogLines lines = LogLines.capture("io.pgagroal.session")) {
            assertThatThrownBy(() -> PG.connect(PoolerExtension.USER, "wrong", new Properties()).close())
                    .isInstanceOf(SQLException.class);
            assertThat(lines.await(Level.INFO, "connect: refused user=app database=appdb address=127.0.0.1: "))
                    .endsWith("password authentication failed for user \"app\"");
        }
    }
}
