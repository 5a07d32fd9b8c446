package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Pgagroal;
import io.pgagroal.config.LimitEntry;
import io.pgagroal.server.Server;
import io.pgagroal.session.SessionHandle;
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
     * STATUS plus Limits, Databases and Connections. A connection here is a live client session
     * (pgagroal lists slots): StartTime, Database, Username, AppName as pgagroal names them, and
     * Address, Phase and Slot (-1 while the session holds none).
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
        ArrayNode connections = response.putArray("Connections");
        for (SessionHandle session : pgagroal.sessions().sessions()) {
            connections.addObject().put("StartTime", session.started().toString()).put("Database", session.database())
                    .put("Username", session.user()).put("AppName", session.applicationName())
                    .put("Address", session.clientAddress()).put("Phase", session.phase()).put("Slot", session.slot());
        }
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
