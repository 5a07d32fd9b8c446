package io.pgagroal.security;

import io.pgagroal.config.Cidr;
import io.pgagroal.config.HbaEntry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the pgagroal_hba.conf entry for a client: the first entry, in file order, whose type, database,
 * user and address all match.
 *
 * <ul>
 *   <li>{@code host} matches every client, {@code hostssl} only clients on TLS (checked here, not by a
 *       separate scan as upstream does), {@code hostnossl} only clients not on TLS (PostgreSQL's type,
 *       which upstream lacks), {@code local} only Unix-socket clients.</li>
 *   <li>A Unix-socket client has no address; {@code host} entries treat it as a loopback client, so it
 *       matches when the rule covers 127.0.0.1 or ::1 (or is {@code all}).</li>
 *   <li>The database matches by name, by {@code all}, or by the real database when the client asked for
 *       an alias from pgagroal_databases.conf. {@code all} is not case-sensitive, names are.</li>
 * </ul>
 */
public final class HbaMatcher {

    private static final InetAddress LOOPBACK_V4 = address(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private record Rule(HbaEntry entry, Cidr address) {
    }

    private final List<Rule> rules;

    /** Entries must come from the configuration loader, which has already checked their addresses. */
    public HbaMatcher(List<HbaEntry> entries) {
        this.rules = entries.stream().map(e -> new Rule(e, Cidr.parse(e.address()))).toList();
    }

    /**
     * @param clientAddress the peer address of a TCP client; {@code null} for a Unix-socket client
     * @param realDatabase  the database an alias stands for, or {@code null} (or {@code database}) without alias
     */
    public Optional<HbaEntry> match(InetAddress clientAddress, boolean unixSocket, boolean tls, String database,
                                    String realDatabase, String user) {
        for (Rule rule : rules) {
            HbaEntry entry = rule.entry();
            if (typeMatches(entry.type(), unixSocket, tls)
                    && (isAll(entry.database()) || entry.database().equals(database)
                        || entry.database().equals(realDatabase))
                    && (isAll(entry.user()) || entry.user().equals(user))
                    && addressMatches(rule.address(), clientAddress, unixSocket)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static boolean typeMatches(String type, boolean unixSocket, boolean tls) {
        return switch (type) {
            case "local" -> unixSocket;
            case "hostssl" -> tls;
            case "hostnossl" -> !tls;
            default -> true;
        };
    }

    private static boolean addressMatches(Cidr rule, InetAddress client, boolean unixSocket) {
        return unixSocket ? rule.matches(LOOPBACK_V4) || rule.matches(LOOPBACK_V6) : rule.matches(client);
    }

    private static boolean isAll(String column) {
        return column.equalsIgnoreCase("all");
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
