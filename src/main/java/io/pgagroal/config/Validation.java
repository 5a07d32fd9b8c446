package io.pgagroal.config;

import static io.pgagroal.config.Setting.*;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks that combine keys, sections and files (end of spec §2.2). They run once every file has
 * parsed, and each error points at the line of the setting that asked for the feature (or at the
 * {@code [pgagroal]} header when the setting kept its default). Upstream's silent corrections are
 * errors here, except where upstream only warns.
 */
final class Validation {

    private final MainConfig main;
    private final SectionValues values;
    private final List<ServerConfig> servers;
    private final List<HbaEntry> hba;
    private final Limits limits;
    private final KnownUsers users;
    private final Warnings warnings;

    private Validation(MainConfig main, List<ServerConfig> servers, List<HbaEntry> hba, Limits limits,
                       KnownUsers users, Warnings warnings) {
        this.main = main;
        this.values = main.source();
        this.servers = servers;
        this.hba = hba;
        this.limits = limits;
        this.users = users;
        this.warnings = warnings;
    }

    static void check(MainConfig main, List<ServerConfig> servers, List<HbaEntry> hba, Limits limits,
                      KnownUsers users, Warnings warnings) throws ConfigException {
        Validation validation = new Validation(main, servers, hba, limits, users, warnings);
        FileChecks.check(validation.values, UNIX_SOCKET_DIR, FileChecks::directory);
        validation.ports();
        validation.authQuery();
        validation.frontendUsers();
        validation.failover();
        validation.tls();
        validation.pipeline();
        validation.management();
    }

    private void ports() throws ConfigException {
        if (main.metrics() > 0 && main.metrics() == main.port()) {
            throw values.error(METRICS, "same port as port (" + main.port() + ")");
        }
        if (main.management() > 0 && (main.management() == main.port() || main.management() == main.metrics())) {
            throw values.error(MANAGEMENT, "same port as " + (main.management() == main.port() ? "port" : "metrics")
                    + " (" + main.management() + ")");
        }
    }

    private void authQuery() throws ConfigException {
        if (!main.authQuery()) {
            return;
        }
        if (users.superusers().isEmpty()) {
            throw values.error(AUTH_QUERY, "needs a superuser (pgagroal_superuser.conf)");
        }
        requireNone(users.users(), "a users file (pgagroal_users.conf)");
        requireNone(users.frontendUsers(), "a frontend users file (pgagroal_frontend_users.conf)");
        if (!limits.entries().isEmpty()) {
            throw values.error(AUTH_QUERY, "cannot be combined with a databases file (" + limits.file() + ")");
        }
        if (values.isSet(ALLOW_UNKNOWN_USERS) && !(boolean) values.get(ALLOW_UNKNOWN_USERS)) {
            warn(ALLOW_UNKNOWN_USERS, "off is ignored: with auth_query every user is looked up in PostgreSQL");
        }
    }

    private void requireNone(Set<String> names, String file) throws ConfigException {
        if (!names.isEmpty()) {
            throw values.error(AUTH_QUERY, "cannot be combined with " + file);
        }
    }

    private void frontendUsers() throws ConfigException {
        if (!users.frontendUsers().isEmpty() && main.allowUnknownUsers()) {
            warn(ALLOW_UNKNOWN_USERS, "on lets users without a frontend password in; set it off with frontend users");
        }
        if (!main.rotateFrontendPasswordTimeout().isZero() && users.users().isEmpty()
                && users.frontendUsers().isEmpty()) {
            throw values.error(ROTATE_FRONTEND_PASSWORD_TIMEOUT, "needs users or frontend users to rotate passwords for");
        }
    }

    private void failover() throws ConfigException {
        if (!main.failover()) {
            return;
        }
        if (main.failoverScript() == null) {
            throw values.error(FAILOVER, "on needs failover_script");
        }
        FileChecks.check(values, FAILOVER_SCRIPT, FileChecks::executable);
        if (servers.size() < 2) {
            throw values.error(FAILOVER, "on needs at least 2 servers, found " + servers.size());
        }
    }

    private void tls() throws ConfigException {
        if (main.tls()) {
            if (main.tlsCertFile() == null || main.tlsKeyFile() == null) {
                throw values.error(TLS, "on needs tls_cert_file and tls_key_file");
            }
            FileChecks.tlsFiles(values, TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE);
        } else {
            for (HbaEntry entry : hba) {
                if (entry.type().equals("hostssl")) {
                    warnings.add(entry.file(), entry.line(), "type", "hostssl never matches while tls is off");
                }
            }
        }
        if (main.metrics() > 0) {
            FileChecks.tlsFiles(values, METRICS_CERT_FILE, METRICS_KEY_FILE, METRICS_CA_FILE);
        }
    }

    private void pipeline() throws ConfigException {
        switch (main.pipeline()) {
            case PERFORMANCE -> {
                unsupported(main.failover(), "failover");
                unsupported(main.tls(), "tls");
                unsupported(!main.disconnectClient().isZero(), "disconnect_client");
                for (ServerConfig server : servers) {
                    unsupported(server.usesTls(), "tls to server [" + server.name() + "] (tls_mode = " + server.tlsMode() + ")");
                }
            }
            case TRANSACTION -> transactionPipeline();
            case SESSION -> { }
        }
    }

    private void unsupported(boolean used, String key) throws ConfigException {
        if (used) {
            throw values.error(PIPELINE, main.pipeline().name().toLowerCase(Locale.ROOT) + " does not support " + key
                    + "; use the session pipeline");
        }
    }

    private void transactionPipeline() throws ConfigException {
        unsupported(!main.disconnectClient().isZero(), "disconnect_client");
        if (!main.authQuery()) {
            if (users.users().isEmpty()) {
                throw values.error(PIPELINE, "transaction needs a users file (pgagroal_users.conf) or auth_query");
            }
            if (main.allowUnknownUsers()) {
                throw values.error(PIPELINE, "transaction needs allow_unknown_users = off");
            }
        }
        if (limits.entries().isEmpty()) {
            throw values.error(PIPELINE, "transaction needs a databases file (pgagroal_databases.conf)");
        }
        for (LimitEntry entry : limits.entries()) {
            if (entry.initialSize() <= 0 || entry.minSize() <= 0) {
                throw new ConfigException(limits.file(), entry.line(), entry.initialSize() <= 0 ? "initial_size" : "min_size",
                        "must be greater than 0 for the transaction pipeline");
            }
        }
        notRecommended(!main.blockingTimeout().isZero(), BLOCKING_TIMEOUT);
        notRecommended(!main.idleTimeout().isZero(), IDLE_TIMEOUT);
        notRecommended(!main.rotateFrontendPasswordTimeout().isZero(), ROTATE_FRONTEND_PASSWORD_TIMEOUT);
        notRecommended(!main.maxConnectionAge().isZero(), MAX_CONNECTION_AGE);
        notRecommended(main.validation() == ValidationMode.FOREGROUND, VALIDATION);
    }

    private void notRecommended(boolean used, Setting setting) {
        if (used) {
            warn(setting, values.raw(setting) + " is not recommended with the transaction pipeline");
        }
    }

    private void management() {
        if (main.management() > 0 && users.admins().isEmpty()) {
            warn(MANAGEMENT, "no admins (pgagroal_admins.conf): every remote management login will fail");
        }
    }

    private void warn(Setting setting, String problem) {
        warnings.add(values.file(), values.line(setting), setting.key(), problem);
    }
}
