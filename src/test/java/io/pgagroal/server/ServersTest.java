package io.pgagroal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.config.ServerConfig;
import io.pgagroal.config.ServerTlsMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clear server: a FAILED server becomes NOTINIT and is chosen again; others are left as they are. */
class ServersTest {

    @Test
    void clearMakesAFailedServerUsableAgain() {
        Servers servers = new Servers(List.of(new ServerConfig("one", "127.0.0.1", 5432, false, false, null, null, null, ServerTlsMode.DISABLE)));
        Server one = servers.all().getFirst();
        assertThat(one.compareAndSetState(ServerState.NOTINIT, ServerState.FAILED)).isTrue();
        assertThat(servers.primary()).isEmpty();

        assertThat(servers.clear("one")).isTrue();
        assertThat(one.state()).isEqualTo(ServerState.NOTINIT);
        assertThat(servers.primary()).contains(one);
        assertThat(servers.clear("one")).as("not failed any more").isFalse();
    }
}
