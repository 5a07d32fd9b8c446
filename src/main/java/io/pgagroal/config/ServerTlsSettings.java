package io.pgagroal.config;

import static io.pgagroal.config.Setting.SERVER_TLS;
import static io.pgagroal.config.Setting.SERVER_TLS_CA_FILE;
import static io.pgagroal.config.Setting.SERVER_TLS_CERT_FILE;
import static io.pgagroal.config.Setting.SERVER_TLS_KEY_FILE;
import static io.pgagroal.config.Setting.SERVER_TLS_MODE;

/**
 * The TLS mode of one server section. tls_mode = auto keeps upstream's meaning of {@code tls}
 * (on = require, verify-ca with tls_ca_file; off = disable, its files ignored with a warning, as
 * upstream ignores them). An explicit tls_mode must agree with an explicit {@code tls} and use
 * exactly the files it needs: a setting that would be silently ignored, or a mode that cannot be
 * honoured (verification without a CA, TLS over a Unix socket), stops start-up at its line.
 */
final class ServerTlsSettings {

    private ServerTlsSettings() {
    }

    static ServerTlsMode mode(SectionValues values, boolean unixSocket, Warnings warnings) throws ConfigException {
        boolean tls = (boolean) values.get(SERVER_TLS);
        String text = (String) values.get(SERVER_TLS_MODE);
        boolean auto = text.equals("auto");
        ServerTlsMode mode = auto
                ? tls ? values.get(SERVER_TLS_CA_FILE) != null ? ServerTlsMode.VERIFY_CA : ServerTlsMode.REQUIRE : ServerTlsMode.DISABLE
                : ServerTlsMode.fromConfig(text);
        if (!auto && values.isSet(SERVER_TLS) && tls != mode.required()) {
            throw values.error(SERVER_TLS_MODE, mode + " contradicts tls = " + (tls ? "on, which requires TLS" : "off"));
        }
        if (mode == ServerTlsMode.DISABLE) {
            for (Setting file : new Setting[] {SERVER_TLS_CERT_FILE, SERVER_TLS_KEY_FILE, SERVER_TLS_CA_FILE}) {
                if (values.get(file) == null) {
                    continue;
                }
                if (!auto) {
                    throw values.error(file, "unused with tls_mode = disable");
                }
                warnings.add(values.file(), values.line(file), file.key(), "ignored while tls is off");
            }
            return mode;
        }
        if (mode.verifies() && values.get(SERVER_TLS_CA_FILE) == null) {
            throw values.error(SERVER_TLS_MODE, mode + " needs tls_ca_file");
        }
        if (!mode.verifies() && values.get(SERVER_TLS_CA_FILE) != null) {
            throw values.error(SERVER_TLS_CA_FILE, "unused with tls_mode = " + mode
                    + ", which does not check the certificate; use verify-ca or verify-full");
        }
        if (unixSocket && mode.required()) {
            throw values.error(auto ? SERVER_TLS : SERVER_TLS_MODE, "PostgreSQL offers no TLS on a Unix socket (host = "
                    + values.get(Setting.SERVER_HOST) + ")");
        }
        FileChecks.tlsFiles(values, SERVER_TLS_CERT_FILE, SERVER_TLS_KEY_FILE, SERVER_TLS_CA_FILE);
        return mode;
    }
}
