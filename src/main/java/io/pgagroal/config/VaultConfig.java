package io.pgagroal.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * pgagroal_vault.conf (spec §2.4): the section {@code [pgagroal-vault]} (where the vault listens) and
 * exactly one other section, conventionally {@code [main]} (the pgagroal whose remote management port
 * the vault logs in to, and as which admin). Same INI syntax as pgagroal.conf; the HTTPS keys are read
 * by {@link VaultTlsSettings}; ev_backend chooses the transport as in pgagroal.conf. Keys of
 * features the vault does not have yet (its metrics port, its logging settings: it logs to the
 * console) are refused with "not supported yet" when set to anything but their default, so no key is
 * accepted without effect; other keys are warned about and ignored, where upstream ignores them
 * silently.
 */
public record VaultConfig(String host, int port, String pgagroalHost, int pgagroalPort, String user, Optional<Tls> tls,
        EventBackendSetting evBackend, List<String> warnings) {

    public static final String SECTION = "pgagroal-vault";

    /**
     * HTTPS ({@code tls = on}): certificate and key files, the CA file client certificates must chain to
     * (null: none asked for), whether a certificate's identity must equal the requested user, and the
     * lines of the certificate and key, for the errors of loading them.
     */
    public record Tls(String certFile, String keyFile, String caFile, boolean verifyFull, int certLine, int keyLine) {
    }

    /** Upstream's keys of [pgagroal-vault] and their defaults, refused when set to anything else. */
    private static final Map<String, String> NOT_SUPPORTED = Map.ofEntries(
            Map.entry("metrics", "0"), Map.entry("metrics_cache_max_age", "0"),
            Map.entry("metrics_cache_max_size", "0"), Map.entry("metrics_cert_file", ""), Map.entry("metrics_key_file", ""),
            Map.entry("metrics_ca_file", ""), Map.entry("log_type", "console"), Map.entry("log_path", "pgagroal-vault.log"),
            Map.entry("log_rotation_age", "0"), Map.entry("log_rotation_size", "0"), Map.entry("log_mode", "append"),
            Map.entry("log_connections", "off"), Map.entry("log_disconnections", "off"), Map.entry("hugepage", "try"),
            Map.entry("authentication_timeout", "5"), Map.entry("log_level", "info"),
            Map.entry("log_line_prefix", "%Y-%m-%d %H:%M:%S"));
    private static final Set<String> ACCEPTED = Set.of("host", "port", Setting.EV_BACKEND.key(), VaultTlsSettings.TLS,
            VaultTlsSettings.CERT_FILE, VaultTlsSettings.KEY_FILE, VaultTlsSettings.CA_FILE, VaultTlsSettings.CERT_AUTH_MODE);

    public static VaultConfig load(Path file) throws ConfigException {
        Source source = Source.read(file);
        Warnings warnings = new Warnings();
        List<Ini.Section> sections = Ini.parse(source, System::getenv, warnings);
        Ini.Section vault = sections.stream().filter(s -> s.name().equals(SECTION)).findFirst()
                .orElseThrow(() -> new ConfigException(source.name(), 0, null, "no [" + SECTION + "] section"));
        List<Ini.Section> others = sections.stream().filter(s -> s != vault).toList();
        if (others.size() != 1) {
            throw new ConfigException(source.name(), others.isEmpty() ? 0 : others.get(1).line(), null, others.isEmpty()
                    ? "no section naming the pgagroal to ask (such as [main] with host, port and user)"
                    : "Too many sections: [" + SECTION + "] and one other, such as [main]");
        }
        Ini.Section main = others.get(0);
        for (Ini.Entry entry : vault.entries().values()) {
            String unsupported = NOT_SUPPORTED.get(entry.key());
            if (unsupported != null && !unsupported.equalsIgnoreCase(entry.value()) && !(entry.value().isEmpty() && unsupported.isEmpty())) {
                throw new ConfigException(source.name(), entry.line(), entry.key(), "not supported yet");
            }
            if (unsupported == null && !ACCEPTED.contains(entry.key())) {
                warnings.add(source.name(), entry.line(), entry.key(), "unknown key, ignored");
            }
        }
        return new VaultConfig(required(source, vault, "host"), port(source, vault), required(source, main, "host"),
                port(source, main), required(source, main, "user"), VaultTlsSettings.read(source, vault, warnings),
                evBackend(source, vault), warnings.list());
    }

    /** ev_backend of [pgagroal-vault], checked as in pgagroal.conf. */
    private static EventBackendSetting evBackend(Source source, Ini.Section section) throws ConfigException {
        Ini.Entry entry = section.entries().get(Setting.EV_BACKEND.key());
        if (entry == null) {
            return new EventBackendSetting(EventBackend.AUTO, source.name(), 0);
        }
        try {
            String value = (String) Setting.EV_BACKEND.parse(entry.value());
            return new EventBackendSetting(EventBackend.valueOf(value.toUpperCase(Locale.ROOT)), source.name(), entry.line());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source.name(), entry.line(), entry.key(), e.getMessage());
        }
    }

    private static String required(Source source, Ini.Section section, String key) throws ConfigException {
        Ini.Entry entry = section.entries().get(key);
        if (entry == null || entry.value().isEmpty()) {
            throw new ConfigException(source.name(), section.line(), key, "[" + section.name() + "] needs " + key);
        }
        return entry.value();
    }

    private static int port(Source source, Ini.Section section) throws ConfigException {
        String text = required(source, section, "port");
        int line = section.entries().get("port").line();
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(source.name(), line, "port", "\"" + text + "\" is not a port (1 to 65535)");
    }
}
