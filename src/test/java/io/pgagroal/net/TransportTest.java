package io.pgagroal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;

/**
 * The transport chosen: epoll on Linux, NIO where native code may not load (the "nio" surefire
 * execution sets io.netty.transport.noNative) or on another OS; its event loops run tasks.
 */
@Tag("nio")
class TransportTest {

    @Test
    void theBestTransportIsEpollWhereItLoadsAndNioElsewhere() throws Exception {
        boolean nativeAllowed = !Boolean.getBoolean("io.netty.transport.noNative") && OS.LINUX.isCurrentOs();
        Transport expected = nativeAllowed ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.best()).isEqualTo(expected);
        EventLoopGroup group = expected.newGroup(1, new DefaultThreadFactory("transport-test"));
        assertThat(group.submit(() -> "ran").get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
}
