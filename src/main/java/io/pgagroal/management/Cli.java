package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.HelpOptions;
import io.pgagroal.Version;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.MainConfig;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * pgagroal-cli (spec §1.2): sends one management request to a running pgagroal through its local
 * socket {@code <unix_socket_dir>/.s.pgagroal} ({@code unix_socket_dir} read from {@code -c}) and
 * prints the answer. Exit status 0 once an answer was read (the answer's Outcome may still be an
 * error), except {@code conf get <key>} and {@code conf set}, 1 when they failed; 1 when pgagroal
 * could not be reached, refused the login, or the command line is wrong. With -h and -p it logs in
 * to the pooler's remote management port instead ({@link ManagementClient.Remote}).
 */
@Command(name = "pgagroal-cli", version = "pgagroal-cli " + Version.VERSION, sortOptions = false,
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1,
        description = "Command line utility for pgagroal",
        footerHeading = "%n", footer = CliRequest.USAGE)
public final class Cli implements Callable<Integer> {

    private static final Path DEFAULT_CONFIG = Path.of("/etc/pgagroal/pgagroal.conf");
    private static final Map<String, Integer> COMPRESSIONS = Map.of("none", 0, "gz", 1, "zstd", 2, "lz4", 3, "bz2", 4);
    private static final Map<String, Integer> ENCRYPTIONS = Map.of("none", 0, "aes", 1, "aes256", 1, "aes192", 2, "aes128", 3);
    private static final Map<String, Integer> FORMATS = Map.of("text", Documents.OUTPUT_TEXT, "json", Documents.OUTPUT_JSON,
            "raw", Documents.OUTPUT_RAW);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "CONFIG_FILE",
            description = "Set the path to the pgagroal.conf file (default: /etc/pgagroal/pgagroal.conf)")
    private Path config;

    @Option(names = {"-h", "--host"}, paramLabel = "HOST", description = "Set the host name (remote management)")
    private String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Set the port number (remote management)")
    private Integer port;

    @Option(names = {"-U", "--user"}, paramLabel = "USERNAME", description = "Set the user name (remote management)")
    private String user;

    @Option(names = {"-P", "--password"}, paramLabel = "PASSWORD", description = "Set the password (remote management)")
    private String password;

    @Option(names = {"-L", "--logfile"}, paramLabel = "FILE", description = "Append a line per run (command and outcome) to FILE")
    private Path logFile;

    @Option(names = {"-F", "--format"}, paramLabel = "text|json|raw", description = "Set the output format (default: text)")
    private String format = "text";

    @Option(names = {"-C", "--compress"}, paramLabel = "none|gz|zstd|lz4|bz2", description = "Compress the wire protocol")
    private String compress = "none";

    @Option(names = {"-E", "--encrypt"}, paramLabel = "none|aes|aes256|aes192|aes128", description = "Encrypt the wire protocol")
    private String encrypt = "none";

    @Option(names = {"-v", "--verbose"}, description = "Output result")
    private boolean verbose;

    @Mixin
    private HelpOptions helpOptions;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", completionCandidates = CliRequest.Words.class,
            description = "The command and its arguments (below)")
    private List<String> words;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status;
        try {
            status = run(out);
        } catch (Failure e) {
            err.println("pgagroal-cli: " + e.getMessage());
            status = 1;
        }
        if (verbose) {
            err.println(status == 0 ? "pgagroal-cli: Success (0)" : "pgagroal-cli: Error (" + status + ")");
        }
        err.flush();
        log(status);
        return status;
    }

    private int run(PrintWriter out) throws Failure {
        CliRequest request;
        try {
            request = CliRequest.parse(words);
        } catch (CliRequest.UsageException e) {
            throw new Failure(e.getMessage() + "\n" + CliRequest.USAGE);
        }
        int output = choice("-F", format, FORMATS);
        int compression = choice("-C", compress, COMPRESSIONS);
        int encryption = choice("-E", encrypt, ENCRYPTIONS);
        ObjectNode document = Documents.request(request.command(), output, compression, encryption);
        ObjectNode arguments = (ObjectNode) document.path("Request");
        request.arguments().forEach((key, value) -> arguments.set(key, Documents.MAPPER.valueToTree(value)));
        ObjectNode answer = host != null || port != null ? remote(document) : local(document);
        CliOutput.Printed printed = CliOutput.print(answer, request, output);
        out.print(printed.text());
        out.flush();
        return printed.status();
    }

    /** Local mode: {@code <unix_socket_dir>/.s.pgagroal} of -c's file. */
    private ObjectNode local(ObjectNode document) throws Failure {
        if (user != null || password != null) {
            throw new Failure("-U and -P are for remote management (-h/-p)");
        }
        Path file = config == null ? DEFAULT_CONFIG : config;
        Path socket;
        try {
            socket = MainConfig.read(file).unixSocketDir().resolve(ManagementServer.SOCKET_NAME);
        } catch (ConfigException e) {
            throw new Failure("cannot read the configuration " + file + ": " + e.getMessage());
        }
        try {
            return ManagementClient.exchange(socket, document);
        } catch (IOException e) {
            throw new Failure("no connection to pgagroal on " + socket + " (" + e.getMessage() + ")");
        } catch (ManagementException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** Remote mode (spec §1.2, §8.4): -h and -p, the user and password from -U and -P or asked on the terminal. */
    private ObjectNode remote(ObjectNode document) throws Failure {
        if (host == null || port == null) {
            throw new Failure("you need both -h and -p options to perform a remote connection");
        }
        if (config != null) {
            throw new Failure("use either -c or -h/-p to define endpoint");
        }
        String name = user != null ? user : ask("User name: ", false);
        String secret = password != null ? password : ask("Password : ", true);
        try {
            return ManagementClient.exchange(new ManagementClient.Remote(host, port, name, secret), document);
        } catch (RemoteLoginClient.Refused e) {
            throw new Failure("Bad credentials for " + name + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new Failure("no connection to pgagroal on " + host + ":" + port + " (" + e.getMessage() + ")");
        } catch (ManagementException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** Asks on the terminal, as pgagroal-cli does for a missing -U or -P (the password without echo). */
    private static String ask(String question, boolean secret) throws Failure {
        Console console = System.console();
        if (console == null) {
            throw new Failure("no terminal to ask \"" + question.strip() + "\" on: give " + (secret ? "-P" : "-U"));
        }
        String answer = secret ? Optional.ofNullable(console.readPassword("%s", question)).map(String::new).orElse(null)
                : console.readLine("%s", question);
        if (answer == null || answer.isEmpty()) {
            throw new Failure("no " + (secret ? "password" : "user name") + " given");
        }
        return answer;
    }

    private static int choice(String option, String value, Map<String, Integer> choices) throws Failure {
        Integer code = choices.get(value);
        if (code == null) {
            throw new Failure(option + " " + value + ": expected one of " + String.join(", ", choices.keySet().stream().sorted().toList()));
        }
        return code;
    }

    private void log(int status) {
        if (logFile == null) {
            return;
        }
        try {
            Files.writeString(logFile, LocalDateTime.now().withNano(0) + " pgagroal-cli " + String.join(" ", words)
                    + ": " + (status == 0 ? "Success (0)" : "Error (" + status + ")") + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            spec.commandLine().getErr().println("pgagroal-cli: cannot write " + logFile + ": " + e.getMessage());
        }
    }

    private static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }
}
