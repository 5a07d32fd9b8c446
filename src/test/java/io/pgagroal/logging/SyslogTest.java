package io.pgagroal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.pgagroal.config.LogType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** log_type = syslog sends RFC 3164 datagrams; a UDP socket on a free port stands in for syslogd. */
class SyslogTest {

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
