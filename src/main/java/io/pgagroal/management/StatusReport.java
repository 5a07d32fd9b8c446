package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Pgagroal;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.server.Server;
import io.pgagroal.pipeline.PinReason;
import io.pgagroal.session.ServerConnectionInfo;
import io.pgagroal.session.SessionHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The Response fields of STATUS and DETAILS (spec §8.2), read from the running pooler. */
final class StatusReport {

    private StatusReport() {
    }

    static void status(Pgagroal pgagroal, ObjectNode response) {
        response.put("Status", pgagroal.shuttingDown() ? "Graceful shutdown" : "Running");
        response.put("ActiveConnections", pgagroal.activeConnections());
        response.put("TotalConnections", pgagroal.totalConnections());
        response.put("MaxConnections", pgagroal.config().main().maxConnections());
        List<Server> servers = pgagroal.servers();
        response.put("NumberOfServers", servers.size());
        ArrayNode list = response.putArray("Servers");
        for (Server server : servers) {
            list.addObject().put("Server", server.name()).put("Host", server.config().host())
                    .put("Port", server.config().port()).put("State", server.state().label());
        }
    }

    /**
     * STATUS plus Limits, Databases, Paused, Connections and ServerConnections. A connection here is
     * a live client session (pgagroal lists slots): StartTime, Database, Username, AppName as
     * pgagroal names them, and Id, Address, Phase, Slot (-1 while the session holds none), Waiting
     * (seconds waiting for a server connection) and Pin (why the transaction pipeline pinned it, or
     * null). ServerConnections: one entry per slot in use {Slot, State, Server, Username, Database,
     * PID, Age (seconds since it logged in)}.
     */
    static void details(Pgagroal pgagroal, ObjectNode response) {
        status(pgagroal, response);
        ArrayNode limits = response.putArray("Limits");
        for (LimitEntry limit : pgagroal.config().limits().entries()) {
            limits.addObject().put("Database", limit.database()).put("Username", limit.user())
                    .put("ActiveConnections", pgagroal.connections(limit.user(), limit.database()))
                    .put("MaxConnections", limit.maxSize()).put("InitialConnections", limit.initialSize())
                    .put("MinConnections", limit.minSize());
        }
        databases(pgagroal, response);
        paused(pgagroal, response);
        ArrayNode connections = response.putArray("Connections");
        for (SessionHandle session : pgagroal.sessions().sessions().stream().sorted(Comparator.comparingLong(SessionHandle::id)).toList()) {
            PinReason pin = session.pin();
            connections.addObject().put("Id", session.id()).put("StartTime", session.started().toString()).put("Database", session.database())
                    .put("Username", session.user()).put("AppName", session.applicationName())
                    .put("Address", session.clientAddress()).put("Phase", session.phase()).put("Slot", session.slot())
                    .put("Waiting", seconds(session.waiting())).put("Pin", pin == null ? null : pin.statement());
        }
        ArrayNode servers = response.putArray("ServerConnections");
        Instant now = Instant.now();
        for (ServerConnectionInfo connection : pgagroal.serverConnections()) {
            servers.addObject().put("Slot", connection.slot()).put("State", connection.state().label())
                    .put("Server", connection.server()).put("Username", connection.user()).put("Database", connection.database())
                    .put("PID", connection.backendPid())
                    .put("Age", connection.opened() == null ? null : seconds(Duration.between(connection.opened(), now)));
        }
    }

    /** Paused: the paused databases ({@code *} alone when all are), empty when none is. */
    static void paused(Pgagroal pgagroal, ObjectNode response) {
        ArrayNode paused = response.putArray("Paused");
        pgagroal.pausedDatabases().forEach(paused::add);
    }

    /** Seconds with millisecond precision. */
    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** Databases: one {Database, Enabled: false} per disabled database, or one {@code *} entry. */
    static void databases(Pgagroal pgagroal, ObjectNode response) {
        ArrayNode databases = response.putArray("Databases");
        List<String> disabled = pgagroal.disabledDatabases();
        if (disabled.isEmpty()) {
            databases.addObject().put("Database", "*").put("Enabled", true);
        }
        for (String database : disabled) {
            databases.addObject().put("Database", database).put("Enabled", false);
        }
    }
}
