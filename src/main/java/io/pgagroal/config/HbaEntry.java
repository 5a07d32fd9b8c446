package io.pgagroal.config;

/**
 * One line of pgagroal_hba.conf. {@code type} is {@code host}, {@code hostssl} or {@code local} in lower
 * case; {@code address} is {@code all} or a CIDR (always {@code all} for local entries); {@code file} and
 * {@code line} say where the entry was written.
 */
public record HbaEntry(String type, String database, String user, String address, AuthMethod method, String file,
                       int line) {
}
