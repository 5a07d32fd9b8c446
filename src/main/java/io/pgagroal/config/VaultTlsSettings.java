package io.pgagroal.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTPS keys of {@code [pgagroal-vault]} (spec §1.4, §2.4): {@code tls}, {@code tls_cert_file},
 * {@code tls_key_file}, {@code tls_ca_file}, {@code tls_cert_auth_mode}. With tls = on the certificate
 * and key are required and checked as pgagroal.conf's are (owner, a key others cannot read);
 * {@code verify-full} needs {@code tls_ca_file}, since only a client certificate has an identity to
 * compare. With tls = off the files are not used, and a warning says so.
 */
final class VaultTlsSettings {

    static final String TLS = "tls";
    static final String CERT_FILE = "tls_cert_file";
    static final String KEY_FILE = "tls_key_file";
    static final String CA_FILE = "tls_ca_file";
    static final String CERT_AUTH_MODE = "tls_cert_auth_mode";

    private final Source source;
    private final Ini.Section section;

    private VaultTlsSettings(Source source, Ini.Section section) {
        this.source = source;
        this.section = section;
    }

    static Optional<VaultConfig.Tls> read(Source source, Ini.Section section, Warnings warnings) throws ConfigException {
        return new VaultTlsSettings(source, section).read(warnings);
    }

    private Optional<VaultConfig.Tls> read(Warnings warnings) throws ConfigException {
        boolean verifyFull = switch (value(CERT_AUTH_MODE, "verify-ca").toLowerCase(Locale.ROOT)) {
            case "verify-ca" -> false;
            case "verify-full" -> true;
            default -> throw error(CERT_AUTH_MODE, "\"" + value(CERT_AUTH_MODE, "") + "\" is not verify-ca or verify-full");
        };
        if (!tls()) {
            for (String key : new String[] {CERT_FILE, KEY_FILE, CA_FILE}) {
                if (!value(key, "").isEmpty()) {
                    warnings.add(source.name(), section.entries().get(key).line(), key, "not used while tls = off");
                }
            }
            return Optional.empty();
        }
        String cert = file(CERT_FILE, true, FileChecks::certificate);
        String key = file(KEY_FILE, true, FileChecks::privateKey);
        String ca = file(CA_FILE, false, FileChecks::certificate);
        if (verifyFull && ca == null) {
            throw error(CERT_AUTH_MODE, "verify-full needs tls_ca_file (a client certificate to take the identity from)");
        }
        return Optional.of(new VaultConfig.Tls(cert, key, ca, verifyFull, section.entries().get(CERT_FILE).line(),
                section.entries().get(KEY_FILE).line()));
    }

    private boolean tls() throws ConfigException {
        try {
            return (Boolean) ValueFormat.bool().parse(value(TLS, "off"));
        } catch (IllegalArgumentException e) {
            throw error(TLS, e.getMessage());
        }
    }

    private String file(String key, boolean required, Consumer<String> check) throws ConfigException {
        String path = value(key, "");
        if (path.isEmpty()) {
            if (required) {
                throw new ConfigException(source.name(), section.entries().get(TLS).line(), TLS, "tls = on needs " + key);
            }
            return null;
        }
        try {
            check.accept(path);
        } catch (IllegalArgumentException e) {
            throw error(key, '"' + path + "\": " + e.getMessage());
        }
        return path;
    }

    private String value(String key, String otherwise) {
        Ini.Entry entry = section.entries().get(key);
        return entry == null ? otherwise : entry.value();
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(source.name(), section.entries().get(key).line(), key, problem);
    }
}
