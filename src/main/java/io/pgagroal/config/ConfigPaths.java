package io.pgagroal.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the configuration files are (spec §1.1). {@code config} and {@code hba} are always set; the
 * optional files are {@code null} when they were not asked for and do not exist.
 */
public record ConfigPaths(Path config, Path hba, Path limit, Path users, Path frontendUsers, Path admins,
                          Path superuser) {

    static final String CONFIG_DIR_VARIABLE = "PGAGROAL_CONFIG_DIR";

    private static final Path DEFAULT_DIRECTORY = Path.of(
            System.getProperty("os.name").startsWith("FreeBSD") ? "/usr/local/etc/pgagroal" : "/etc/pgagroal");

    /**
     * Resolves the files of the command line. For each file: the explicit flag wins; then the file of that
     * name in {@code directory} ({@code -D}, or the PGAGROAL_CONFIG_DIR variable when null) if it exists;
     * then {@code /etc/pgagroal}. The main configuration and the HBA file must exist; an optional file
     * that was given explicitly must exist too.
     *
     * @param flags the files given on the command line, {@code null} for those not given
     */
    public static ConfigPaths resolve(Path directory, ConfigPaths flags) throws ConfigException {
        return resolve(directory, flags, System::getenv, DEFAULT_DIRECTORY);
    }

    static ConfigPaths resolve(Path directory, ConfigPaths flags, Function<String, String> environment,
                               Path defaultDirectory) throws ConfigException {
        Path dir = directory;
        if (dir == null && environment.apply(CONFIG_DIR_VARIABLE) != null) {
            dir = Path.of(environment.apply(CONFIG_DIR_VARIABLE));
        }
        if (dir != null && !(Files.isDirectory(dir) && Files.isReadable(dir) && Files.isExecutable(dir))) {
            throw new ConfigException(dir.toString(), 0, null, "not a readable directory");
        }
        Lookup lookup = new Lookup(dir, defaultDirectory);
        return new ConfigPaths(
                lookup.required(flags.config(), "pgagroal.conf"),
                lookup.required(flags.hba(), "pgagroal_hba.conf"),
                lookup.optional(flags.limit(), "pgagroal_databases.conf"),
                lookup.optional(flags.users(), "pgagroal_users.conf"),
                lookup.optional(flags.frontendUsers(), "pgagroal_frontend_users.conf"),
                lookup.optional(flags.admins(), "pgagroal_admins.conf"),
                lookup.optional(flags.superuser(), "pgagroal_superuser.conf"));
    }

    private record Lookup(Path directory, Path defaultDirectory) {

        Path required(Path explicit, String name) throws ConfigException {
            return usable(explicit != null ? explicit : found(name));
        }

        Path optional(Path explicit, String name) throws ConfigException {
            if (explicit != null) {
                return usable(explicit);
            }
            Path path = found(name);
            return Files.exists(path) ? usable(path) : null;
        }

        private Path found(String name) {
            Path inDirectory = directory == null ? null : directory.resolve(name);
            return inDirectory != null && Files.exists(inDirectory) ? inDirectory : defaultDirectory.resolve(name);
        }

        private static Path usable(Path path) throws ConfigException {
            String problem = !Files.exists(path) ? "file not found"
                    : !Files.isRegularFile(path) ? "not a regular file"
                    : !Files.isReadable(path) ? "not readable"
                    : null;
            if (problem != null) {
                throw new ConfigException(path.toString(), 0, null, problem);
            }
            return path;
        }
    }
}
