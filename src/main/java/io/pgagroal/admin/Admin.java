package io.pgagroal.admin;

import io.pgagroal.HelpOptions;
import io.pgagroal.Version;
import io.pgagroal.config.ConfigException;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.PasswordGenerator;
import io.pgagroal.security.UsersFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * pgagroal-admin: creates the master key and edits the users files (spec §1.3). Every run prints one
 * document ({@code Header}, {@code Outcome}, and for user commands {@code Response.Users}, the users
 * after the change) in text or JSON; a failure also goes to standard error, with exit status 1.
 *
 * <p>Tests pass the home directory (where {@code .pgagroal/master.key} lives), the environment and the
 * terminal to the package-private constructor. Outside tests the home directory is the account's, or
 * the JVM property {@value MasterKey#HOME_PROPERTY} when set.
 */
@Command(name = "pgagroal-admin", version = "pgagroal-admin " + Version.VERSION, sortOptions = false,
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1,
        description = "Administration utility for pgagroal: the master key and the users files",
        footerHeading = "%nCommands:%n",
        footer = {
            "  master-key   Create the master key (--force replaces it)",
            "  user add     Add a user",
            "  user edit    Change the password of a user",
            "  user del     Remove a user",
            "  user ls      List the users"})
public final class Admin implements Callable<Integer> {

    private static final String PASSWORD_VARIABLE = "PGAGROAL_PASSWORD";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** The commands, with the ids the management protocol gives them in {@code Header.Command}. */
    private enum Action {
        MASTER_KEY(19, "master-key"),
        ADD_USER(20, "user add"),
        UPDATE_USER(21, "user edit"),
        REMOVE_USER(22, "user del"),
        LIST_USERS(23, "user ls");

        final int id;
        final String words;

        Action(int id, String words) {
            this.id = id;
            this.words = words;
        }
    }

    /** The ordinal is {@code Header.Output}. */
    private enum Format {
        TEXT,
        JSON
    }

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "/etc/pgagroal/pgagroal_users.conf",
            description = "Set the path to a users file (default: ${DEFAULT-VALUE})")
    private Path file;

    @Option(names = {"-U", "--user"}, paramLabel = "USER", description = "Set the user name")
    private String user;

    @Option(names = {"-P", "--password"}, paramLabel = "PASSWORD", description = "Set the password for the user")
    private String password;

    @Option(names = {"-g", "--generate"}, description = "Generate a password")
    private boolean generate;

    @Option(names = {"-l", "--length"}, paramLabel = "LENGTH",
            description = "Length of a generated password (default: ${DEFAULT-VALUE})")
    private int length = 64;

    @Option(names = {"-F", "--format"}, paramLabel = "text|json", description = "Set the output format (default: text)")
    private String formatName = "text";

    @Option(names = "--force", description = "Let master-key replace an existing master key")
    private boolean force;

    @Mixin
    private HelpOptions helpOptions;

    @Parameters(paramLabel = "COMMAND", arity = "1..2", description = "master-key, or user add|edit|del|ls")
    private List<String> command;

    private final Path home;
    private final Function<String, String> environment;
    private final Prompt prompt;
    private String generated;

    public Admin() {
        this(MasterKey.defaultHome(), System::getenv, Prompt.console());
    }

    /** @param prompt the terminal, or null when there is none */
    Admin(Path home, Function<String, String> environment, Prompt prompt) {
        this.home = home;
        this.environment = environment;
        this.prompt = prompt;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Admin()).execute(args));
    }

    @Override
    public Integer call() {
        String words = String.join(" ", command);
        Action action = Arrays.stream(Action.values()).filter(a -> a.words.equals(words)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "Unknown command '" + words
                        + "': use master-key, user add, user edit, user del or user ls"));
        Format format = Arrays.stream(Format.values()).filter(f -> f.name().equalsIgnoreCase(formatName)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "Invalid output format '" + formatName + "': use text or json"));
        if (length < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid password length " + length + ": it must be at least 1");
        }
        long start = System.nanoTime();
        Map<String, Object> document = new TreeMap<>();
        document.put("Header", Map.of("Command", action.id, "ClientVersion", Version.VERSION,
                "Output", format.ordinal(), "Timestamp", LocalDateTime.now().format(TIMESTAMP)));
        PrintWriter out = spec.commandLine().getOut();
        int status = 0;
        try {
            List<String> users = run(action);
            document.put("Outcome", Map.of("Status", true, "Time", elapsed(Duration.ofNanos(System.nanoTime() - start))));
            if (users != null) {
                Map<String, Object> response = new TreeMap<>(Map.of("Users", users));
                if (generated != null && format == Format.JSON) {
                    response.put("Password", generated);
                } else if (generated != null) {
                    out.println("Password : " + generated);
                }
                document.put("Response", response);
            }
        } catch (ConfigException | IOException | IllegalArgumentException | Failure e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pgagroal-admin: " + (e instanceof IOException io ? describe(io) : e.getMessage()));
            err.flush();
            document.put("Outcome", Map.of("Status", false, "Error", 1));
            status = 1;
        }
        out.print(format == Format.JSON ? Output.json(document) : Output.text(document));
        out.flush();
        return status;
    }

    /** Runs the command; returns the users of the file afterwards, or null for master-key. */
    private List<String> run(Action action) throws ConfigException, IOException, Failure {
        if (action == Action.MASTER_KEY) {
            MasterKey.requireCreatable(home, force);
            MasterKey.create(home, secret("Master key", MasterKey::requireValid), force);
            return null;
        }
        UsersFile users = action == Action.ADD_USER ? UsersFile.openOrNew(file) : UsersFile.open(file);
        switch (action) {
            case ADD_USER -> {
                MasterKey key = MasterKey.load(home);
                String name = userName();
                users.requireAbsent(name);
                users.add(name, userPassword(), key);
            }
            case UPDATE_USER -> {
                MasterKey key = MasterKey.load(home);
                String name = userName();
                users.requirePresent(name);
                users.update(name, userPassword(), key);
            }
            case REMOVE_USER -> users.remove(userName());
            default -> {
                return List.copyOf(users.names());
            }
        }
        users.write();
        return List.copyOf(users.names());
    }

    private String userName() throws Failure {
        if (user != null) {
            return user;
        }
        if (prompt == null) {
            throw new Failure("no user name: use -U USER");
        }
        String name;
        do {
            name = prompt.line("User name: ");
            if (name == null) {
                throw new Failure("no user name entered");
            }
        } while (name.isBlank());
        return name;
    }

    private String userPassword() throws Failure {
        String secret = secret("Password", typed -> {
            if (typed.isEmpty()) {
                throw new IllegalArgumentException("The password is empty");
            }
        });
        if (password == null && generate) {
            generated = secret;
        }
        return secret;
    }

    /**
     * The secret from the first source given: -P, -g, the PGAGROAL_PASSWORD variable, else typed twice
     * on the terminal (asked again while it fails {@code check} or the two entries differ).
     */
    private String secret(String what, Consumer<String> check) throws Failure {
        String given = password != null ? password
                : generate ? PasswordGenerator.generate(length)
                : environment.apply(PASSWORD_VARIABLE);
        if (given != null) {
            check.accept(given);
            return given;
        }
        if (prompt == null) {
            throw new Failure("no " + what.toLowerCase() + ": use -P, -g or " + PASSWORD_VARIABLE
                    + " (there is no terminal to ask on)");
        }
        PrintWriter err = spec.commandLine().getErr();
        while (true) {
            String typed = prompt.secret(what + ": ");
            if (typed == null) {
                throw new Failure("no " + what.toLowerCase() + " entered");
            }
            try {
                check.accept(typed);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                continue;
            }
            if (typed.equals(prompt.secret("Verify " + what.toLowerCase() + ": "))) {
                return typed;
            }
            err.println("The two entries differ; try again");
            err.flush();
        }
    }

    private static String elapsed(Duration duration) {
        return String.format(Locale.ROOT, "%02d:%02d:%07.4f", duration.toHours(), duration.toMinutesPart(),
                duration.toSecondsPart() + duration.toNanosPart() / 1e9);
    }

    /** The messages of these exceptions are just the path; say what happened to it. */
    private static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> missing.getFile() + ": no such file or directory";
            case AccessDeniedException denied -> denied.getFile() + ": permission denied";
            default -> e.getMessage();
        };
    }

    /** A run that cannot go on; the message says why. */
    private static final class Failure extends Exception {

        Failure(String message) {
            super(message);
        }
    }
}
