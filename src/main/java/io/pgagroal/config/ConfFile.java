package io.pgagroal.config;

import static io.pgagroal.config.Setting.SERVER_HOST;
import static io.pgagroal.config.Setting.SERVER_PORT;
import static io.pgagroal.config.Setting.SERVER_PRIMARY;
import static io.pgagroal.config.Setting.SERVER_TLS;
import static io.pgagroal.config.Setting.SERVER_TLS_CA_FILE;
import static io.pgagroal.config.Setting.SERVER_TLS_CERT_FILE;
import static io.pgagroal.config.Setting.SERVER_TLS_KEY_FILE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * pgagroal.conf: the {@code [pgagroal]} section and one server per other section (spec §2.2, §2.3).
 * Everything that concerns a single server is checked here, where its lines are known; checks that
 * combine sections or files are in {@link Validation}.
 */
final class ConfFile {

    static final String MAIN_SECTION = "pgagroal";

    record Content(MainConfig main, List<ServerConfig> servers, List<ConfigException> notSupported) {
    }

    private ConfFile() {
    }

    static Content read(Source source, Function<String, String> environment, Warnings warnings)
            throws ConfigException {
        MainConfig main = null;
        List<ServerConfig> servers = new ArrayList<>();
        Map<String, SectionValues> byAddress = new HashMap<>();
        List<ConfigException> notSupported = new ArrayList<>();
        for (Ini.Section section : Ini.parse(source, environment, warnings)) {
            boolean isMain = section.name().equals(MAIN_SECTION);
            SectionValues values = SectionValues.read(source.name(), section,
                    isMain ? Setting.Section.MAIN : Setting.Section.SERVER, warnings);
            NotSupported.collect(values, notSupported);
            if (isMain) {
                main = new MainConfig(values);
            } else {
                servers.add(server(values, byAddress));
            }
        }
        if (main == null) {
            throw new ConfigException(source.name(), 0, null, "no [" + MAIN_SECTION + "] section");
        }
        if (servers.isEmpty()) {
            throw new ConfigException(source.name(), 0, null,
                    "no server section; add one such as [primary] with host and port");
        }
        return new Content(main, List.copyOf(servers), List.copyOf(notSupported));
    }

    /** Servers are told apart by host text and port, without name resolution (localhost is not 127.0.0.1). */
    private static ServerConfig server(SectionValues values, Map<String, SectionValues> byAddress)
            throws ConfigException {
        ServerConfig server = new ServerConfig(values.name(), (String) values.get(SERVER_HOST),
                (int) values.get(SERVER_PORT), (boolean) values.get(SERVER_PRIMARY), (boolean) values.get(SERVER_TLS),
                (String) values.get(SERVER_TLS_CERT_FILE), (String) values.get(SERVER_TLS_KEY_FILE),
                (String) values.get(SERVER_TLS_CA_FILE));
        SectionValues same = byAddress.putIfAbsent(server.host() + ':' + server.port(), values);
        if (same != null) {
            throw new ConfigException(values.file(), values.sectionLine(), null, "server [" + server.name()
                    + "] has the same host and port as server [" + same.name() + "] (line " + same.sectionLine() + ")");
        }
        if (server.tls()) {
            FileChecks.tlsFiles(values, SERVER_TLS_CERT_FILE, SERVER_TLS_KEY_FILE, SERVER_TLS_CA_FILE);
        }
        return server;
    }
}
