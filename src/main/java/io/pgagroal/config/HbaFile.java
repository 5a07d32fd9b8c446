package io.pgagroal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * pgagroal_hba.conf (spec §3.1): {@code TYPE DATABASE USER ADDRESS METHOD} per line, {@code #} starts a
 * comment. Unlike upstream, a bad line is an error rather than a skipped rule (a skipped rule can let
 * clients in or lock them out), and the number of entries is not limited. {@code local} entries take
 * PostgreSQL's four columns ({@code local DATABASE USER METHOD}); five columns are accepted when the
 * address is {@code all}.
 */
final class HbaFile {

    private HbaFile() {
    }

    static List<HbaEntry> read(Source source) throws ConfigException {
        List<HbaEntry> entries = new ArrayList<>();
        for (int i = 0; i < source.lines().size(); i++) {
            String text = withoutComment(source.lines().get(i)).strip();
            if (!text.isEmpty()) {
                entries.add(entry(source.name(), i + 1, text.split("\\s+")));
            }
        }
        if (entries.isEmpty()) {
            throw new ConfigException(source.name(), 0, null,
                    "no entries; add at least one, for example: host all all all scram-sha-256");
        }
        return List.copyOf(entries);
    }

    private static HbaEntry entry(String file, int line, String[] columns) throws ConfigException {
        String type = columns[0].toLowerCase(Locale.ROOT);
        boolean local = type.equals("local");
        if (!local && !type.equals("host") && !type.equals("hostssl") && !type.equals("hostnossl")) {
            throw new ConfigException(file, line, "type", "unknown type \"" + columns[0] + "\" (host, hostssl, hostnossl or local)");
        }
        if (local && columns.length == 4) {
            columns = new String[] {columns[0], columns[1], columns[2], "all", columns[3]};
        }
        if (columns.length != 5) {
            throw new ConfigException(file, line, null, "expected "
                    + (local ? "local DATABASE USER METHOD" : "TYPE DATABASE USER ADDRESS METHOD")
                    + ", found " + columns.length + " columns");
        }
        String address = columns[3];
        if (local && !address.equalsIgnoreCase("all")) {
            throw new ConfigException(file, line, "address",
                    "a local entry matches Unix-socket clients only; leave the address out or write all");
        }
        try {
            Cidr.parse(address);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, line, "address", e.getMessage());
        }
        AuthMethod method;
        try {
            method = AuthMethod.fromConfig(columns[4]);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, line, "method", e.getMessage());
        }
        return new HbaEntry(type, columns[1], columns[2], address, method, file, line);
    }

    static String withoutComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
