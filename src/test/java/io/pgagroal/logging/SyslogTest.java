package io.pgagroal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.pgagroal.config.LogType;
import io.pgagroal.testing.Eventually;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log_type = syslog sends RFC 3164 datagrams: to a Unix datagram socket (/dev/log, here one in a
 * temporary directory, named by pgagroal.syslog.socket), or over UDP when pgagroal.syslog.host or
 * port is set (a UDP socket on a free port stands in for syslogd).
 */
class SyslogTest {

    @TempDir
    Path dir;

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private Appender<ILoggingEvent> appender;

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aLineGoesToTheLocalSyslogSocket() throws Exception {
        Channel syslogd = syslogd();
        Logger log = syslogLogger("io.pgagroal.session.Flow");
        log.warn("Could not connect to server {}", "primary");
        log.error("Ünïcode survives", new IllegalStateException("why"));
        appender.stop();
        syslogd.close().sync();

        // facility USER (1) * 8 + severity warning (4), then err (3); the timestamp as syslog(3) writes it
        assertThat(received.poll(5, TimeUnit.SECONDS)).matches("<12>[A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d pgagroal\\["
                + ProcessHandle.current().pid() + "\\]: Flow: Could not connect to server primary");
        assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("<11>")
                .endsWith("]: Flow: Ünïcode survives: java.lang.IllegalStateException: why");
    }

    /**
     * syslog restarting: the lines sent while its socket is gone are counted and told in the next
     * line that arrives. The second line is sent after the first one's loss is counted, so it carries
     * that count and is lost with it: the count must survive.
     */
    @Test
    void linesLostWhileSyslogIsAwayAreCounted() throws Exception {
        Channel syslogd = syslogd();
        Logger log = syslogLogger("io.pgagroal.Main");
        syslogd.close().sync();
        Files.delete(socket());
        DevLogAppender devLog = (DevLogAppender) appender;
        log.info("one");
        Eventually.await("the first line counted as lost", () -> devLog.lost() == 1);
        log.info("two");
        Eventually.await("both lines counted as lost", () -> devLog.lost() == 2);
        Channel restarted = syslogd();
        log.info("three");
        appender.stop();
        restarted.close().sync();

        assertThat(received.poll(5, TimeUnit.SECONDS)).endsWith("]: (2 earlier lines lost: syslog did not take them) Main: three");
        assertThat(received).isEmpty();
    }

    private Path socket() {
        return dir.resolve("log");
    }

    /** A stand-in for syslogd on {@link #socket()}, putting each datagram's text in {@link #received}. */
    private Channel syslogd() throws InterruptedException {
        return new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(socket().toString())).sync().channel();
    }

    /** A logger of a context of its own, logging through log_type = syslog to {@link #socket()}. */
    private Logger syslogLogger(String name) {
        LoggerContext context = TestContexts.create();
        appender = withProperty("pgagroal.syslog.socket", socket().toString(),
                () -> new LogOutput(LogType.SYSLOG, "", true, 0, Duration.ZERO, "").start(context));
        Logger log = context.getLogger(name);
        log.addAppender(appender);
        return log;
    }

    @Test
    void noSyslogSocketStopsStartUpWithTheReason() {
        Path missing = dir.resolve("no-such-socket");
        assertThatThrownBy(() -> withProperty("pgagroal.syslog.socket", missing.toString(),
                () -> new LogOutput(LogType.SYSLOG, "", true, 0, Duration.ZERO, "").start(TestContexts.create())))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("there is no syslog socket " + missing);
    }

    private static <T> T withProperty(String key, String value, Supplier<T> body) {
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void aLineArrivesWithFacilityUserAndIdentPgagroal() throws Exception {
        try (DatagramSocket syslogd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            syslogd.setSoTimeout(5_000);
            System.setProperty("pgagroal.syslog.port", Integer.toString(syslogd.getLocalPort()));
            LoggerContext context = TestContexts.create();
            Appender<ILoggingEvent> appender;
            try {
                appender = new LogOutput(LogType.SYSLOG, "", true, 0, Duration.ZERO, "").start(context);
            } finally {
                System.clearProperty("pgagroal.syslog.port");
            }
            Logger log = context.getLogger("io.pgagroal.session.Flow");
            log.addAppender(appender);
            log.warn("Could not connect to server {}", "primary");
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            syslogd.receive(packet);
            appender.stop();
            String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            // facility USER (1) * 8 + severity warning (4)
            assertThat(line).startsWith("<12>")
                    .contains(" pgagroal[" + ProcessHandle.current().pid() + "]: Flow: Could not connect to server primary");
        }
    }
}
