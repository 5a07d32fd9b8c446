package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HbaFileTest {

    private static List<HbaEntry> read(String... lines) throws ConfigException {
        return HbaFile.read(new Source("hba.conf", List.of(lines)));
    }

    @Test
    void entriesInFileOrder() throws ConfigException {
        List<HbaEntry> entries = read(
                "# TYPE DATABASE USER ADDRESS METHOD",
                "",
                "host    mydb  app  10.0.0.0/8  scram-sha-256  # office",
                "HOSTSSL all   all  ::1/128     MD5",
                "local   all   all              trust",
                "local   all   admin  all       reject",
                "host    all   all  all         all");
        assertThat(entries).containsExactly(
                new HbaEntry("host", "mydb", "app", "10.0.0.0/8", AuthMethod.SCRAM_SHA_256, "hba.conf", 3),
                new HbaEntry("hostssl", "all", "all", "::1/128", AuthMethod.MD5, "hba.conf", 4),
                new HbaEntry("local", "all", "all", "all", AuthMethod.TRUST, "hba.conf", 5),
                new HbaEntry("local", "all", "admin", "all", AuthMethod.REJECT, "hba.conf", 6),
                new HbaEntry("host", "all", "all", "all", AuthMethod.ALL, "hba.conf", 7));
    }

    @Test
    void manyEntriesAreAccepted() throws ConfigException {
        String[] lines = new String[200];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "host db" + i + " all all trust";
        }
        assertThat(read(lines)).hasSize(200);
    }

    @Test
    void malformedLinesAreErrorsWithFileAndLine() {
        assertThatThrownBy(() -> read("host all all all trust", "host all all trust"))
                .hasMessage("hba.conf:2: expected TYPE DATABASE USER ADDRESS METHOD, found 4 columns");
        assertThatThrownBy(() -> read("hostgssenc all all all trust"))
                .hasMessage("hba.conf:1: type: unknown type \"hostgssenc\" (host, hostssl, hostnossl or local)");
        assertThatThrownBy(() -> read("host all all 10.0.0.0/33 trust"))
                .hasMessage("hba.conf:1: address: prefix length \"33\" is not between 0 and 32");
        assertThatThrownBy(() -> read("host all all myhost trust"))
                .hasMessage("hba.conf:1: address: \"myhost\" is not all, an IPv4 or an IPv6 address");
        assertThatThrownBy(() -> read("", "host all all all ident"))
                .hasMessage("hba.conf:2: method: unknown method \"ident\" (trust, reject, password, md5, scram-sha-256 or all)");
        assertThatThrownBy(() -> read("local all all 127.0.0.1/32 trust"))
                .hasMessage("hba.conf:1: address: a local entry matches Unix-socket clients only;"
                        + " leave the address out or write all");
        assertThatThrownBy(() -> read("local all trust"))
                .hasMessage("hba.conf:1: expected local DATABASE USER METHOD, found 3 columns");
        assertThatThrownBy(() -> read("host all all all trust extra"))
                .hasMessage("hba.conf:1: expected TYPE DATABASE USER ADDRESS METHOD, found 6 columns");
    }

    @Test
    void aFileWithoutEntriesIsAnError() {
        assertThatThrownBy(() -> read("# nothing", ""))
                .hasMessage("hba.conf: no entries; add at least one, for example: host all all all scram-sha-256");
    }

    @Test
    void methodNames() {
        assertThat(AuthMethod.fromConfig("Scram-SHA-256")).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(AuthMethod.SCRAM_SHA_256.configName()).isEqualTo("scram-sha-256");
        assertThat(AuthMethod.fromConfig("password")).isEqualTo(AuthMethod.PASSWORD);
    }
}
