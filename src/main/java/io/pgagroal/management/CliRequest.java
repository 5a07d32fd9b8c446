package io.pgagroal.management;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * A pgagroal-cli command line's words as a management request (spec §1.2's command table): the
 * command, its Request arguments and, for {@code conf get <key>}, the key the answer is reduced to.
 */
record CliRequest(ManagementCommand command, Map<String, Object> arguments, String configKey) {

    static final String USAGE = """
            Commands:
              flush [gracefully|idle|all] [database]   Flush connections (default: gracefully, all databases)
              ping                                    Is pgagroal alive?
              enable [database]                       Enable a database (default: all)
              disable [database]                      Disable a database (default: all)
              shutdown [gracefully|immediate|cancel]  Stop pgagroal, or cancel a graceful shutdown
              status [details]                        Status of pgagroal
              switch-to <server>                      Switch to another primary
              clear server <server>                   Clear a failed server
              clear prometheus                        Reset the metrics
              conf reload                             Reload the configuration
              conf ls                                 The configuration files in use
              conf get [key]                          The configuration, or one key
              conf set <key> <value>                  Change a configuration key
              conf alias                              The databases and their aliases
              pause [database]                        New transactions and server connections wait (default: all)
              resume [database]                       Let what waits go on (default: all)
              terminate <id>                          End one client session (ids: status details)""";

    /**
     * The words of {@link #USAGE}'s commands, first words first, without the placeholders
     * (database, key, and those in angle brackets): what shell completion offers.
     */
    static final class Words implements Iterable<String> {
        private static final Set<String> PLACEHOLDERS = Set.of("database", "key");

        @Override
        public Iterator<String> iterator() {
            Set<String> words = new LinkedHashSet<>();
            USAGE.lines().skip(1).map(line -> line.strip().split("\\s+")[0]).forEach(words::add);
            USAGE.lines().skip(1).map(line -> line.strip().split("\\s{2,}")[0].split("\\s+"))
                    .flatMap(command -> Arrays.stream(command).skip(1))
                    .flatMap(argument -> Arrays.stream(argument.replaceAll("[\\[\\]]", "").split("\\|")))
                    .filter(word -> word.matches("[a-z]+") && !PLACEHOLDERS.contains(word)).forEach(words::add);
            return words.iterator();
        }
    }

    /** Thrown with a short explanation when the words are no command of the table. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static CliRequest parse(List<String> words) throws UsageException {
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : null;
        List<String> rest = words.subList(Math.min(2, words.size()), words.size());
        List<String> afterFirst = words.subList(1, words.size());
        return switch (first) {
            case "flush" -> switch (second == null ? "" : second) {
                case "gracefully" -> flush(1, rest);
                case "idle" -> flush(0, rest);
                case "all" -> flush(2, rest);
                default -> flush(1, afterFirst);
            };
            case "ping" -> simple(ManagementCommand.PING, afterFirst);
            case "enable" -> database(ManagementCommand.ENABLEDB, afterFirst);
            case "disable" -> database(ManagementCommand.DISABLEDB, afterFirst);
            case "shutdown" -> switch (second == null ? "gracefully" : second) {
                case "gracefully" -> simple(ManagementCommand.GRACEFULLY, rest);
                case "immediate" -> simple(ManagementCommand.SHUTDOWN, rest);
                case "cancel" -> simple(ManagementCommand.CANCEL_SHUTDOWN, rest);
                default -> throw unknown(words);
            };
            case "status" -> "details".equals(second) ? simple(ManagementCommand.DETAILS, rest)
                    : simple(ManagementCommand.STATUS, afterFirst);
            case "switch-to" -> {
                if (afterFirst.size() != 1) {
                    throw new UsageException("switch-to needs exactly one server name");
                }
                yield new CliRequest(ManagementCommand.SWITCH_TO, Map.of("Server", second), null);
            }
            case "clear" -> clear(second, rest, words);
            case "conf" -> conf(second, rest, words);
            case "pause" -> database(ManagementCommand.PAUSE, afterFirst);
            case "resume" -> database(ManagementCommand.RESUME, afterFirst);
            case "terminate" -> {
                if (afterFirst.size() != 1 || !second.matches("[0-9]{1,18}")) {
                    throw new UsageException("terminate needs one session id (status details lists them)");
                }
                yield new CliRequest(ManagementCommand.TERMINATE, Map.of("Session", Long.parseLong(second)), null);
            }
            default -> throw unknown(words);
        };
    }

    private static CliRequest flush(int mode, List<String> arguments) throws UsageException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("Mode", mode);
        request.put("Database", optional(arguments, "*"));
        return new CliRequest(ManagementCommand.FLUSH, request, null);
    }

    private static CliRequest database(ManagementCommand command, List<String> arguments) throws UsageException {
        return new CliRequest(command, Map.of("Database", optional(arguments, "*")), null);
    }

    private static CliRequest simple(ManagementCommand command, List<String> arguments) throws UsageException {
        if (!arguments.isEmpty()) {
            throw new UsageException("unexpected argument(s) " + String.join(" ", arguments));
        }
        return new CliRequest(command, Map.of(), null);
    }

    /** {@code clear prometheus}, {@code clear server [name]} (pgagroal sends the literal name "server" when none is given), {@code clear <name>}. */
    private static CliRequest clear(String second, List<String> rest, List<String> words) throws UsageException {
        if (second == null) {
            throw unknown(words);
        }
        if (second.equals("prometheus")) {
            return simple(ManagementCommand.CLEAR, rest);
        }
        String server = second.equals("server") ? optional(rest, "server") : second;
        if (!second.equals("server") && !rest.isEmpty()) {
            throw new UsageException("unexpected argument(s) " + String.join(" ", rest));
        }
        return new CliRequest(ManagementCommand.CLEAR_SERVER, Map.of("Server", server), null);
    }

    private static CliRequest conf(String second, List<String> rest, List<String> words) throws UsageException {
        return switch (second == null ? "" : second) {
            case "reload" -> simple(ManagementCommand.RELOAD, rest);
            case "ls" -> simple(ManagementCommand.CONFIG_LS, rest);
            case "alias" -> simple(ManagementCommand.CONFIG_ALIAS, rest);
            case "get" -> new CliRequest(ManagementCommand.CONFIG_GET, Map.of(), optional(rest, null));
            case "set" -> {
                if (rest.size() != 2) {
                    throw new UsageException("conf set needs a key and a value");
                }
                yield new CliRequest(ManagementCommand.CONFIG_SET, Map.of("ConfigKey", rest.get(0), "ConfigValue", rest.get(1)), null);
            }
            default -> throw unknown(words);
        };
    }

    private static String optional(List<String> arguments, String otherwise) throws UsageException {
        if (arguments.size() > 1) {
            throw new UsageException("unexpected argument(s) " + String.join(" ", arguments.subList(1, arguments.size())));
        }
        return arguments.isEmpty() ? otherwise : arguments.get(0);
    }

    private static UsageException unknown(List<String> words) {
        return new UsageException("unknown command: " + String.join(" ", words));
    }
}
