package io.pgagroal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pause on its own: which requests are held, which a resume releases, and a withdrawn one never runs. */
class PauseTest {

    private final EventLoop loop = new DefaultEventLoop();
    private final Pause pause = new Pause();
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Pause.Held hold(String database) {
        return pause.hold(database, loop, held -> ran.add(database));
    }

    private void drain() throws Exception {
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void onlyPausedDatabasesAreHeldAndResumeReleasesThem() throws Exception {
        assertThat(hold("a")).as("nothing paused: the caller goes on").isNull();
        pause.pause("a");
        assertThat(hold("b")).isNull();
        assertThat(hold("a")).isNotNull();
        assertThat(hold("a")).isNotNull();
        assertThat(pause.names()).containsExactly("a");
        assertThat(pause.waiting()).isEqualTo(2);

        assertThat(pause.resume("b")).isZero();
        assertThat(pause.resume("a")).isEqualTo(2);
        drain();
        assertThat(ran).containsExactly("a", "a");
        assertThat(pause.names()).isEmpty();
    }

    @Test
    void everyDatabaseAndWithdrawal() throws Exception {
        pause.pause("*");
        Pause.Held withdrawn = hold("x");
        hold("y");
        pause.withdraw(withdrawn);
        assertThatThrownBy(() -> pause.resume("y")).hasMessageContaining("resume *");
        assertThat(pause.names()).containsExactly("*");
        pause.end();
        drain();
        assertThat(ran).containsExactly("y");
        assertThat(pause.waiting()).isZero();
    }
}
