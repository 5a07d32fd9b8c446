package io.pgagroal.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a Node.js script of {@code src/test/node} (node-postgres, postgres.js) against endpoints,
 * with a timeout after which node and its children are killed.
 *
 * <p>Each endpoint is passed as environment variables under a name of the caller's choosing:
 * {@code endpoint("POOLER", e)} sets {@code POOLER_HOST}, {@code POOLER_PORT}, {@code POOLER_USER},
 * {@code POOLER_PASSWORD} and {@code POOLER_DATABASE}, which the scripts read with
 * {@code endpoint('POOLER')} of {@code src/test/node/endpoint.mjs}.
 *
 * <p>The npm packages are installed by {@code .ci/run}; when they are missing (the tests were
 * started with {@code ./mvnw} alone) the first script runs {@code npm ci} there itself.
 */
public final class NodeScript {

    /** Where the scripts, package.json and package-lock.json are; the tests run from the project root. */
    public static final Path DIRECTORY = Path.of("src/test/node");

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean installed;

    private final String script;
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private NodeScript(String script) {
        this.script = script;
    }

    /** The script {@code src/test/node/<file>}, e.g. {@code of("select-one.mjs")}. */
    public static NodeScript of(String file) {
        return new NodeScript(file);
    }

    public NodeScript args(String... values) {
        arguments.addAll(List.of(values));
        return this;
    }

    public NodeScript env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Passes {@code target} as {@code <name>_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD}, {@code _DATABASE}. */
    public NodeScript endpoint(String name, Endpoint target) {
        env(name + "_HOST", target.host());
        env(name + "_PORT", Integer.toString(target.port()));
        env(name + "_USER", target.user());
        if (target.password() != null) {
            env(name + "_PASSWORD", target.password());
        }
        return env(name + "_DATABASE", target.database());
    }

    /** Runs the script to completion or until {@code timeout}, after which it is killed. */
    public ProcessResult run(Duration timeout) {
        Path file = DIRECTORY.resolve(script);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No script " + file.toAbsolutePath());
        }
        installPackages();
        List<String> command = new ArrayList<>(List.of(executable("node").toString(), script));
        command.addAll(arguments);
        Command node = Command.of(command).directory(DIRECTORY);
        environment.forEach(node::env);
        return node.run(timeout);
    }

    /**
     * Runs the script, requires it to exit with 0 and returns the JSON object it printed on the last
     * line of its standard output (the scripts report what they observed that way).
     */
    public JsonNode report(Duration timeout) {
        ProcessResult result = run(timeout);
        if (!result.succeeded()) {
            throw new IllegalStateException("The Node.js script failed: " + result.describe());
        }
        String[] lines = result.stdout().strip().split("\n");
        try {
            return JSON.readTree(lines[lines.length - 1]);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The last line of the script's output is not JSON: " + result.describe(), e);
        }
    }

    /**
     * {@code npm ci} in {@link #DIRECTORY}, once per run, unless node_modules already matches
     * package-lock.json (npm keeps a copy of the lock file it installed from there). The npm cache
     * goes to the system temp directory, not the home directory.
     */
    private static synchronized void installPackages() {
        if (installed) {
            return;
        }
        Path lock = DIRECTORY.resolve("package-lock.json");
        Path installedLock = DIRECTORY.resolve("node_modules/.package-lock.json");
        try {
            if (Files.isRegularFile(installedLock)
                    && Files.getLastModifiedTime(installedLock).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
                installed = true;
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + lock.toAbsolutePath(), e);
        }
        ProcessResult npm = Command.of(executable("npm").toString(), "ci", "--no-audit", "--no-fund")
                .directory(DIRECTORY)
                .env("npm_config_cache", npmCache().toString())
                .run(INSTALL_TIMEOUT);
        if (!npm.succeeded()) {
            throw new IllegalStateException("npm ci in " + DIRECTORY.toAbsolutePath()
                    + " failed (.ci/run installs these packages before the tests): " + npm.describe());
        }
        installed = true;
    }

    /** In the system temp directory, as in .ci/run. */
    private static Path npmCache() {
        return Path.of(System.getProperty("java.io.tmpdir"), "pgagroal-npm-cache");
    }

    private static Path executable(String name) {
        return onPath(name).orElseThrow(() -> new IllegalStateException(name + " is not on the PATH: the tests "
                + "run Node.js drivers against the pooler (Debian: apt-get install nodejs npm; .ci/run does)"));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
