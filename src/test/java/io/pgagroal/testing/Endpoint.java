package io.pgagroal.testing;

import java.util.List;

/**
 * Where and as whom a client connects: a PostgreSQL server or a pooler in front of one.
 * {@code host} may also be a Unix socket directory, as in libpq. {@code password} may be null.
 */
public record Endpoint(String host, int port, String user, String password, String database) {

    public Endpoint withUser(String user, String password) {
        return new Endpoint(host, port, user, password, database);
    }

    public Endpoint withDatabase(String database) {
        return new Endpoint(host, port, user, password, database);
    }

    public Endpoint withPort(int port) {
        return new Endpoint(host, port, user, password, database);
    }

    /** A pgJDBC URL without credentials; pass user and password as connection properties. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The libpq connection options shared by psql and pgbench; the database goes last, positionally. */
    List<String> libpqOptions() {
        return List.of("-h", host, "-p", Integer.toString(port), "-U", user);
    }

    /** Runs {@code program} (psql, pgbench) against this endpoint, the password in PGPASSWORD. */
    Command command(List<String> program) {
        Command command = Command.of(program);
        if (password != null) {
            command.env("PGPASSWORD", password);
        }
        return command;
    }
}
