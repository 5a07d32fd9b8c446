package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgagroal.config.AuthMethod;
import io.pgagroal.config.HbaEntry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HbaMatcherTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static HbaMatcher matcher(String... lines) {
        List<HbaEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String[] c = lines[i].split("\\s+");
            entries.add(new HbaEntry(c[0], c[1], c[2], c[3], AuthMethod.fromConfig(c[4]), "hba", i + 1));
        }
        return new HbaMatcher(entries);
    }

    private static int tcp(HbaMatcher matcher, String address, boolean tls, String database, String user) {
        return line(matcher.match(ip(address), false, tls, database, null, user));
    }

    private static int line(Optional<HbaEntry> entry) {
        return entry.map(HbaEntry::line).orElse(0);
    }

    @Test
    void firstMatchingEntryInFileOrderWins() {
        HbaMatcher matcher = matcher(
                "host sales app 10.0.0.0/8 md5",
                "host all   app all        reject",
                "host all   all 10.0.0.0/8 scram-sha-256");
        assertThat(tcp(matcher, "10.1.1.1", false, "sales", "app")).isEqualTo(1);
        assertThat(tcp(matcher, "192.168.0.1", false, "sales", "app")).isEqualTo(2);
        assertThat(tcp(matcher, "10.1.1.1", false, "hr", "bob")).isEqualTo(3);
        assertThat(tcp(matcher, "192.168.0.1", false, "hr", "bob")).isZero();
        assertThat(matcher.match(ip("10.1.1.1"), false, false, "sales", null, "app").orElseThrow().method())
                .isEqualTo(AuthMethod.MD5);
    }

    @Test
    void allMatchesAnyDatabaseAndUserIgnoringCase() {
        HbaMatcher matcher = matcher("host ALL All all trust");
        assertThat(tcp(matcher, "1.2.3.4", false, "anything", "anyone")).isEqualTo(1);
        assertThat(tcp(matcher("host Sales all all trust"), "1.2.3.4", false, "sales", "x")).isZero();
    }

    @Test
    void aliasMatchesEntriesOfTheRealDatabase() {
        HbaMatcher matcher = matcher("host sales all all trust");
        assertThat(line(matcher.match(ip("1.2.3.4"), false, false, "shop", "sales", "app"))).isEqualTo(1);
        assertThat(line(matcher.match(ip("1.2.3.4"), false, false, "shop", null, "app"))).isZero();
        assertThat(line(matcher("host shop all all trust").match(ip("1.2.3.4"), false, false, "shop", "sales", "app")))
                .isEqualTo(1);
    }

    @Test
    void hostsslMatchesOnlyTlsClients() {
        HbaMatcher matcher = matcher(
                "hostssl all all all scram-sha-256",
                "host    all all all reject");
        assertThat(tcp(matcher, "1.2.3.4", true, "db", "app")).isEqualTo(1);
        assertThat(tcp(matcher, "1.2.3.4", false, "db", "app")).isEqualTo(2);
        assertThat(tcp(matcher("host all all all md5"), "1.2.3.4", true, "db", "app")).isEqualTo(1);
    }

    @Test
    void hostnosslMatchesOnlyClientsNotOnTls() {
        HbaMatcher matcher = matcher(
                "hostnossl all all all trust",
                "host      all all all reject");
        assertThat(tcp(matcher, "1.2.3.4", false, "db", "app")).isEqualTo(1);
        assertThat(tcp(matcher, "1.2.3.4", true, "db", "app")).isEqualTo(2);
    }

    @Test
    void localMatchesOnlyUnixSocketClients() {
        HbaMatcher matcher = matcher(
                "local all all all trust",
                "host  all all all md5");
        assertThat(line(matcher.match(null, true, false, "db", null, "app"))).isEqualTo(1);
        assertThat(tcp(matcher, "127.0.0.1", false, "db", "app")).isEqualTo(2);
    }

    @Test
    void unixSocketClientCountsAsLoopbackForHostEntries() {
        assertThat(line(matcher("host all all 127.0.0.1/32 trust").match(null, true, false, "db", null, "app")))
                .isEqualTo(1);
        assertThat(line(matcher("host all all ::1/128 trust").match(null, true, false, "db", null, "app")))
                .isEqualTo(1);
        assertThat(line(matcher("host all all 10.0.0.0/8 trust").match(null, true, false, "db", null, "app")))
                .isZero();
        assertThat(line(matcher("hostssl all all all trust").match(null, true, false, "db", null, "app")))
                .isZero();
    }

    @Test
    void ipv4MappedClientMatchesIpv4Entries() {
        assertThat(tcp(matcher("host all all 10.0.0.0/8 trust"), "::ffff:10.1.2.3", false, "db", "app")).isEqualTo(1);
    }
}
