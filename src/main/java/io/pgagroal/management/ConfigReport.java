package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.config.ConfigPaths;
import io.pgagroal.config.HbaEntry;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.config.ServerConfig;
import io.pgagroal.config.Setting;
import java.nio.file.Path;

/**
 * The Response fields of CONFIG_LS, CONFIG_GET and CONFIG_ALIAS (spec §8.2). CONFIG_GET gives each
 * main key as it is configured (the file's text, or the default), where pgagroal gives its
 * internal numbers for enumerations (log_level 1..6 and so on).
 */
final class ConfigReport {

    private ConfigReport() {
    }

    /** The files in force; "" for those not used (and for all of a configuration built in code). */
    static void paths(PgagroalConfig config, ObjectNode response) {
        ConfigPaths paths = config.paths();
        response.put("main_configuration_path", path(paths == null ? null : paths.config()));
        response.put("hba_configuration_path", path(paths == null ? null : paths.hba()));
        response.put("limit_configuration_path", path(paths == null ? null : paths.limit()));
        response.put("users_configuration_path", path(paths == null ? null : paths.users()));
        response.put("frontend_users_configuration_path", path(paths == null ? null : paths.frontendUsers()));
        response.put("admin_configuration_path", path(paths == null ? null : paths.admins()));
        response.put("superuser_configuration_path", path(paths == null ? null : paths.superuser()));
    }

    private static String path(Path path) {
        return path == null ? "" : path.toString();
    }

    static void values(PgagroalConfig config, ObjectNode response) {
        for (Setting setting : Setting.values()) {
            if (setting.section() == Setting.Section.MAIN) {
                response.put(setting.key(), config.main().rawValue(setting));
            }
        }
        ObjectNode servers = response.putObject("server");
        for (ServerConfig server : config.servers()) {
            servers.putObject(server.name()).put("host", server.host()).put("port", server.port()).put("tls", server.tls())
                    .put("tls_cert_file", nonNull(server.tlsCertFile())).put("tls_key_file", nonNull(server.tlsKeyFile()))
                    .put("tls_ca_file", nonNull(server.tlsCaFile()));
        }
        ObjectNode limits = response.putObject("limit");
        for (LimitEntry limit : config.limits().entries()) {
            ObjectNode entry = limits.putObject(limit.database()).put("database", limit.database()).put("username", limit.user())
                    .put("max_size", limit.maxSize()).put("initial_size", limit.initialSize()).put("min_size", limit.minSize())
                    .put("number_of_aliases", limit.aliases().size());
            limit.aliases().forEach(entry.putArray("aliases")::add);
        }
        ObjectNode hba = response.putObject("hba");
        for (HbaEntry entry : config.hba()) {
            hba.putObject(entry.user()).put("type", entry.type()).put("database", entry.database()).put("username", entry.user())
                    .put("address", entry.address()).put("method", entry.method().configName());
        }
    }

    static void aliases(PgagroalConfig config, ObjectNode response) {
        ObjectNode databases = response.putObject("Databases");
        for (LimitEntry limit : config.limits().entries()) {
            ObjectNode entry = databases.putObject(limit.database()).put("username", limit.user()).put("max_size", limit.maxSize())
                    .put("initial_size", limit.initialSize()).put("min_size", limit.minSize());
            ArrayNode aliases = entry.putArray("aliases");
            limit.aliases().forEach(aliases::add);
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    /**
     * What to do instead of conf set of a {@code server.}, {@code hba.} or {@code limit.} key: server sections, HBA
     * entries and limits are whole entries of their files, put in force by a reload (which checks
     * them together and says what needs a restart).
     */
    static String whereToChange(String key) {
        return switch (key.substring(0, key.indexOf('.'))) {
            case "hba" -> "change pgagroal_hba.conf and run conf reload";
            case "limit" -> "change pgagroal_databases.conf and run conf reload";
            default -> "change the server's section of pgagroal.conf and run conf reload";
        };
    }
}
