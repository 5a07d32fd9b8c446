package io.pgagroal.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.util.LevelToSyslogSeverity;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.net.SyslogConstants;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * log_type = syslog to the local syslog socket, {@code /dev/log}, as syslog(3) does: one datagram
 * per line, {@code <PRI>Mmm dd hh:mm:ss pgagroal[pid]: Class: message} (RFC 3164 without the host
 * name, which the local daemon adds), facility user. It is what rsyslog and journald read on every
 * Debian system; Logback's own syslog appender can only send UDP, which they do not listen to by
 * default. The JDK has no Unix datagram sockets, so a Netty epoll channel on a thread of its own
 * sends them. Memory stays bounded: when the daemon does not keep up, lines are dropped rather than
 * queued; they are counted, with the lines the socket refused (syslog restarting), and the count is
 * told in the next line that goes out.
 */
final class DevLogAppender extends AppenderBase<ILoggingEvent> {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    private static final WriteBufferWaterMark QUEUE = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Path socket;
    private final DomainSocketAddress address;
    private final String tag = "pgagroal[" + ProcessHandle.current().pid() + "]: ";
    private final ZoneId zone = ZoneId.systemDefault();
    private final AtomicLong dropped = new AtomicLong();
    private EventLoopGroup loop;
    private Channel channel;
    private volatile ChannelFuture lastWrite;

    DevLogAppender(Path socket) {
        this.socket = socket;
        this.address = new DomainSocketAddress(socket.toString());
    }

    /** @throws UncheckedIOException when there is no socket to send to, or no epoll to send with */
    @Override
    public void start() {
        if (!Files.exists(socket)) {
            throw new UncheckedIOException("log_type = syslog: there is no syslog socket " + socket
                    + " (is rsyslog or systemd-journald running?)", new NoSuchFileException(socket.toString()));
        }
        if (!Epoll.isAvailable()) {
            throw new UncheckedIOException("log_type = syslog needs Linux epoll to write to " + socket,
                    new IOException(Epoll.unavailabilityCause()));
        }
        loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pgagroal-syslog", true), EpollIoHandler.newFactory());
        EpollDomainDatagramChannel datagrams = new EpollDomainDatagramChannel();
        datagrams.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, QUEUE);
        datagrams.config().setOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true);
        loop.register(datagrams).syncUninterruptibly();
        channel = datagrams;
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!channel.isWritable()) {
            dropped.incrementAndGet();
            return;
        }
        long told = dropped.getAndSet(0);
        String line = line(event, told);
        lastWrite = channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(line.getBytes(StandardCharsets.UTF_8)),
                address)).addListener(sent -> {
                    if (!sent.isSuccess()) {
                        dropped.addAndGet(told + 1);
                    }
                });
    }

    /**
     * Lines lost since the last one that went out; a failed send is counted when the loop has tried
     * it, together with the count it was to tell, so that a loss is never hidden in a lost line.
     */
    long lost() {
        return dropped.get();
    }

    /**
     * The datagram's text; {@code dropped} lines the daemon could not take before it. The severity
     * is Logback's, as its own syslog appender maps it: ERROR err, WARN warning, INFO info, DEBUG
     * and TRACE debug.
     */
    private String line(ILoggingEvent event, long dropped) {
        StringBuilder line = new StringBuilder(128).append('<').append(SyslogConstants.LOG_USER + LevelToSyslogSeverity.convert(event))
                .append('>')
                .append(TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone))).append(' ').append(tag);
        if (dropped > 0) {
            line.append('(').append(dropped).append(" earlier lines lost: syslog did not take them) ");
        }
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ").append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(": ").append(thrown.getClassName()).append(": ").append(thrown.getMessage());
        }
        return line.toString();
    }

    @Override
    public void stop() {
        super.stop();
        if (channel != null) {
            ChannelFuture last = lastWrite;
            if (last != null) {
                last.awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
