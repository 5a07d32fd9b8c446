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

    /** @param serverSections each server's section by name, so that a later check can point at its lines */
    record Content(MainConfig main, List<ServerConfig> servers, List<ConfigException> notSupported,
                   Map<String, SectionValues> serverSections) {
    }

    private ConfFile() {
    }

    static Content read(Source source, Function<String, String> environment, Warnings warnings)
            throws ConfigException {
        SectionValues main = null;
        List<ServerConfig> servers = new ArrayList<>();
        Map<String, SectionValues> byAddress = new HashMap<>();
        List<ConfigException> notSupported = new ArrayList<>();
        Map<String, SectionValues> serverSections = new HashMap<>();
        for (Ini.Section section : Ini.parse(source, environment, warnings)) {
            boolean isMain = section.name().equals(MAIN_SECTION);
            SectionValues values = SectionValues.read(source.name(), section,
                    isMain ? Setting.Section.MAIN : Setting.Section.SERVER, warnings);
            NotSupported.collect(values, notSupported);
            if (isMain) {
                main = values;
            } else {
                servers.add(server(values, byAddress, warnings));
                serverSections.put(values.name(), values);
            }
        }
        if (main == null) {
            throw new ConfigException(source.name(), 0, null, "no [" + MAIN_SECTION + "] section");
        }
        if (servers.isEmpty()) {
            throw new ConfigException(source.name(), 0, null,
                    "no server section; add one such as [primary] with host and port");
        }
        return new Content(new MainConfig(main, MainConfig.anyServerTls(servers)), List.copyOf(servers),
                List.copyOf(notSupported), Map.copyOf(serverSections));
    }

    /** Servers are told apart by host text and port, without name resolution (localhost is not 127.0.0.1). */
    private static ServerConfig server(SectionValues values, Map<String, SectionValues> byAddress, Warnings warnings)
            throws ConfigException {
        String host = (String) values.get(SERVER_HOST);
        ServerTlsMode tlsMode = ServerTlsSettings.mode(values, host.startsWith("/"), warnings);
        ServerConfig server = new ServerConfig(values.name(), (String) values.get(SERVER_HOST),
                (int) values.get(SERVER_PORT), (boolean) values.get(SERVER_PRIMARY), (boolean) values.get(SERVER_TLS),
                (String) values.get(SERVER_TLS_CERT_FILE), (String) values.get(SERVER_TLS_KEY_FILE),
                (String) values.get(SERVER_TLS_CA_FILE), tlsMode);
        SectionValues same = byAddress.putIfAbsent(server.host() + ':' + server.port(), values);
        if (same != null) {
            throw new ConfigException(values.file(), values.sectionLine(), null, "server [" + server.name()
                    + "] has the same host and port as server [" + same.name() + "] (line " + same.sectionLine() + ")");
        }
        return server;
    }
}
