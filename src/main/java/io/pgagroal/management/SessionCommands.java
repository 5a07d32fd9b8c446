package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Pgagroal;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.session.SessionHandle;

/**
 * The commands of ours beyond pgagroal's (ids from 101, above pgagroal's range: PAUSE, RESUME,
 * TERMINATE) and SWITCH_TO. Their errors have codes of ours too: 2100 a resume that cannot apply,
 * 2200 no live session with the id given; switch-to keeps pgagroal's 1300.
 */
final class SessionCommands {

    /** The FATAL a terminated session's client reads, as PostgreSQL's pg_terminate_backend sends it. */
    static final String TERMINATED = "terminating connection due to administrator command";

    private SessionCommands() {
    }

    /** PAUSE and RESUME answer with the databases paused afterwards ({@code Paused}); RESUME also with {@code Released}. */
    static void pause(Pgagroal pgagroal, JsonNode request, ObjectNode response) {
        pgagroal.pause(request.path("Database").asText("*"));
        StatusReport.paused(pgagroal, response);
    }

    static void resume(Pgagroal pgagroal, JsonNode request, ObjectNode response) throws ManagementException {
        try {
            response.put("Released", pgagroal.resume(request.path("Database").asText("*")));
        } catch (IllegalArgumentException e) {
            throw new ManagementException(ManagementException.RESUME_ERROR, e.getMessage());
        }
        StatusReport.paused(pgagroal, response);
    }

    /** TERMINATE {@code Session}: that session's client is sent FATAL 57P01 and its server connection closed. */
    static void terminate(Pgagroal pgagroal, JsonNode request, ObjectNode response) throws ManagementException {
        JsonNode id = request.path("Session");
        if (!id.canConvertToLong()) {
            throw new ManagementException(ManagementException.NO_SUCH_SESSION, "terminate needs a session id (status details lists them)");
        }
        SessionHandle session = pgagroal.sessions().byId(id.asLong()).orElseThrow(() -> new ManagementException(
                ManagementException.NO_SUCH_SESSION, "no live session has id " + id.asLong()));
        session.terminate(SqlState.ADMIN_SHUTDOWN, TERMINATED);
        response.put("Session", session.id());
        response.put("Username", session.user());
        response.put("Database", session.database());
    }

    /** SWITCH_TO {@code Server}; answers with the servers afterwards. */
    static void switchTo(Pgagroal pgagroal, JsonNode request, ObjectNode response) throws ManagementException {
        try {
            pgagroal.switchTo(request.path("Server").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ManagementException(ManagementException.SWITCH_TO_FAILED, "switch-to failed: " + e.getMessage());
        }
        StatusReport.status(pgagroal, response);
    }
}
