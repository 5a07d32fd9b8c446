package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "0.0.0.0/0,       1.2.3.4,          true",
            "0.0.0.0/0,       ::1,              false",
            "10.0.0.0/8,      10.255.1.2,       true",
            "10.0.0.0/8,      11.0.0.1,         false",
            "10.1.2.3/8,      10.9.9.9,         true",
            "172.16.0.0/12,   172.31.255.255,   true",
            "172.16.0.0/12,   172.15.255.255,   false",
            "172.16.0.0/12,   172.32.0.0,       false",
            "192.168.2.0/23,  192.168.3.7,      true",
            "192.168.2.0/23,  192.168.2.0,      true",
            "192.168.2.0/23,  192.168.4.1,      false",
            "192.168.2.0/23,  192.168.1.255,    false",
            "192.168.1.10/32, 192.168.1.10,     true",
            "192.168.1.10/32, 192.168.1.11,     false",
            "192.168.1.10,    192.168.1.10,     true",
            "192.168.1.10,    192.168.1.11,     false",
            "::/0,            2001:db8::1,      true",
            "::/0,            10.0.0.1,         false",
            "2001:db8:1:2::/64, 2001:db8:1:2:ffff:ffff:ffff:ffff, true",
            "2001:db8:1:2::/64, 2001:db8:1:3::1, false",
            "2001:db8::/127,  2001:db8::1,      true",
            "2001:db8::/127,  2001:db8::,       true",
            "2001:db8::/127,  2001:db8::2,      false",
            "::1/128,         ::1,              true",
            "::1/128,         ::2,              false",
            "::1,             ::1,              true",
            "::1,             127.0.0.1,        false",
            "::ffff:10.0.0.0/104, 10.1.2.3,     true",
            "::ffff:10.0.0.0/104, 11.1.2.3,     false",
            "all,             10.0.0.1,         true",
            "ALL,             fe80::1,          true",
    })
    void matches(String rule, String client, boolean expected) {
        assertThat(Cidr.parse(rule).matches(ip(client))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedClientMatchesIpv4Rules() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(client).isInstanceOf(Inet6Address.class);
        assertThat(Cidr.parse("10.0.0.0/8").matches(client)).isTrue();
        assertThat(Cidr.parse("10.1.2.3").matches(client)).isTrue();
        assertThat(Cidr.parse("11.0.0.0/8").matches(client)).isFalse();
        assertThat(Cidr.parse("::/0").matches(client)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0",
            "::/129", "db.example.com", "localhost", "::ffff:10.0.0.0/95", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9"})
    void invalidRules(String rule) {
        assertThatThrownBy(() -> Cidr.parse(rule)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsTheNetwork() {
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("2001:db8::1/32")).hasToString("2001:db8:0:0:0:0:0:0/32");
        assertThat(Cidr.parse("all")).hasToString("all");
    }
}
