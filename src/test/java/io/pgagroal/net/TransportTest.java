package io.pgagroal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The transport chosen where epoll loads, and where it does not (the "nio" surefire execution). */
@Tag("nio")
class TransportTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisabledIfSystemProperty(named = "io.netty.transport.noNative", matches = "true")
    void epollOnLinux() {
        assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
    }

    @Test
    @EnabledIfSystemProperty(named = "io.netty.transport.noNative", matches = "true")
    void nioWithoutNativeTransport() throws Exception {
        assertThat(Epoll.isAvailable()).isFalse();
        assertThat(Transport.best()).isEqualTo(Transport.NIO);
        EventLoopGroup group = Transport.NIO.newGroup(1, new DefaultThreadFactory("transport-test"));
        assertThat(group.submit(() -> "ran").get()).isEqualTo("ran");
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
}
