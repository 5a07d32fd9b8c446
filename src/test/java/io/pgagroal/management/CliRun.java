package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.security.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** pgagroal-cli run in-process with {@code -c conf}, its output captured. */
record CliRun(int status, String out, String err) {

    /** A pgagroal.conf whose only use here is to name unix_socket_dir, as the pooler's own file would. */
    static Path conf(Path dir, Path unixSocketDir) throws IOException {
        return Files.writeString(dir.resolve("cli.conf"), """
                [pgagroal]
                host = 127.0.0.1
                port = 6432
                unix_socket_dir = %s

                [primary]
                host = 127.0.0.1
                port = 5432
                """.formatted(unixSocketDir));
    }

    /** @param conf null for none */
    static CliRun run(Path conf, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(conf == null ? List.of() : List.of("-c", conf.toString()));
        all.addAll(List.of(args));
        int status = new CommandLine(new Cli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new CliRun(status, out.toString(), err.toString());
    }

    /** {@link #run} with {@code home} as the home directory (the {@code pgagroal.home} property), restored after. */
    static CliRun runWithHome(Path home, String... args) {
        String previous = System.getProperty(MasterKey.HOME_PROPERTY);
        System.setProperty(MasterKey.HOME_PROPERTY, home.toString());
        try {
            return run(null, args);
        } finally {
            if (previous == null) {
                System.clearProperty(MasterKey.HOME_PROPERTY);
            } else {
                System.setProperty(MasterKey.HOME_PROPERTY, previous);
            }
        }
    }

    JsonNode json() {
        try {
            return new ObjectMapper().readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + out, e);
        }
    }
}
