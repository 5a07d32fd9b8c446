package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import io.pgagroal.config.MainConfig;
import io.pgagroal.config.PgagroalConfig;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Logging.configure as the daemon calls it at start and again on reload. */
class LoggingTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final org.slf4j.Logger log = LoggerFactory.getLogger("io.pgagroal.session.Flow");

    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestConfiguration() throws Exception {
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    private MainConfig config(Map<String, String> settings) throws Exception {
        PgagroalConfig.Builder builder = PgagroalConfig.builder()
                .set("host", "127.0.0.1").set("port", "6432").set("unix_socket_dir", dir.toString())
                .set("log_type", "file")
                .server("primary", "127.0.0.1", 5432)
                .hba("host all all all trust");
        settings.forEach(builder::set);
        return builder.build().main();
    }

    private Appender<?> appender() {
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("pgagroal");
    }

    @Test
    void reconfiguringKeepsAnUnchangedFileAndSwitchesToANewOne() throws Exception {
        Path first = dir.resolve("first.log");
        Logging.configure(config(Map.of("log_path", first.toString(), "log_mode", "create",
                "log_line_prefix", "'[%Y] '")));
        log.info("one");
        log.debug("not logged at info");
        Appender<?> appender = appender();

        Logging.configure(config(Map.of("log_path", first.toString(), "log_mode", "create",
                "log_line_prefix", "'[%Y] '", "log_level", "debug")));
        assertThat(appender()).isSameAs(appender);
        log.debug("two");

        Path second = dir.resolve("second-%Y.log");
        Logging.configure(config(Map.of("log_path", second.toString())));
        assertThat(appender()).isNotSameAs(appender);
        assertThat(appender.isStarted()).isFalse();
        log.info("three");

        String year = Integer.toString(java.time.Year.now().getValue());
        assertThat(Files.readAllLines(first)).containsExactly("[" + year + "] INFO  Flow: one", "[" + year + "] DEBUG Flow: two");
        assertThat(Files.readAllLines(dir.resolve("second-" + year + ".log")))
                .singleElement().asString().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d INFO  Flow: three");
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).toIterable().hasSize(1);
    }

    @Test
    void aLogFileThatCannotBeOpenedIsAnErrorAndTheCurrentOutputStays() throws Exception {
        Path first = dir.resolve("first.log");
        Logging.configure(config(Map.of("log_path", first.toString())));
        Appender<?> appender = appender();
        assertThatThrownBy(() -> Logging.configure(config(Map.of("log_path", dir.toString()))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot open the log file " + dir);
        assertThat(appender()).isSameAs(appender);
        log.info("still logged");
        assertThat(Files.readAllLines(first)).singleElement().asString().endsWith("INFO  Flow: still logged");
    }

    @Test
    void switchingToSyslogSendsTheLinesThere() throws Exception {
        Logging.configure(config(Map.of("log_path", dir.resolve("before.log").toString())));
        try (DatagramSocket syslogd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            syslogd.setSoTimeout(5_000);
            System.setProperty("pgagroal.syslog.port", Integer.toString(syslogd.getLocalPort()));
            try {
                Logging.configure(config(Map.of("log_type", "syslog")));
            } finally {
                System.clearProperty("pgagroal.syslog.port");
            }
            log.info("to syslog");
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            syslogd.receive(packet);
            // facility user (1) * 8 + severity info (6)
            assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                    .startsWith("<14>").endsWith("]: Flow: to syslog");
        }
        assertThat(Files.readAllLines(dir.resolve("before.log"))).isEmpty();
    }
}
