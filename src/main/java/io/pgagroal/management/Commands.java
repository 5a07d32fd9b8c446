package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Pgagroal;
import io.pgagroal.ReloadReport;
import io.pgagroal.Version;
import io.pgagroal.config.Setting;
import io.pgagroal.session.FlushMode;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one management request on the running pooler and completes its document with
 * {@code Response} and {@code Outcome}. The shutdowns run only after the answer was sent
 * ({@link Answer#after()}), since stopping closes the management socket too.
 */
final class Commands {

    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

    /** The completed document, and what to do once it has been sent (null for nothing). */
    record Answer(ObjectNode document, Runnable after) {
    }

    private final Pgagroal pgagroal;

    Commands(Pgagroal pgagroal) {
        this.pgagroal = pgagroal;
    }

    Answer answer(ObjectNode document) {
        long start = System.nanoTime();
        ObjectNode response = document.putObject("Response");
        response.put("ServerVersion", Version.VERSION);
        int id = document.path("Header").path("Command").asInt(ManagementCommand.UNKNOWN.id());
        JsonNode request = document.path("Request");
        Runnable after = null;
        try {
            ManagementCommand command = ManagementCommand.of(id)
                    .orElseThrow(() -> new ManagementException(ManagementException.UNKNOWN_COMMAND, "unknown command " + id));
            after = run(command, request, response);
            Documents.succeeded(document, Duration.ofNanos(System.nanoTime() - start));
        } catch (ManagementException e) {
            Documents.failed(document, e);
        } catch (RuntimeException e) {
            LOG.warn("Management command {} failed: {}", id, e.toString(), e);
            Documents.failed(document, new ManagementException(ManagementException.BAD_PAYLOAD, "the command failed: " + e));
        }
        return new Answer(document, after);
    }

    private Runnable run(ManagementCommand command, JsonNode request, ObjectNode response) throws ManagementException {
        switch (command) {
            case PING -> { }
            case STATUS -> StatusReport.status(pgagroal, response);
            case DETAILS -> StatusReport.details(pgagroal, response);
            case FLUSH -> pgagroal.flush(flushMode(request.path("Mode").asInt(FlushMode.GRACEFULLY.value())), database(request));
            case ENABLEDB -> {
                pgagroal.enableDatabase(database(request));
                StatusReport.databases(pgagroal, response);
            }
            case DISABLEDB -> {
                pgagroal.disableDatabase(database(request));
                StatusReport.databases(pgagroal, response);
            }
            case GRACEFULLY -> {
                return pgagroal::shutdownGracefully;
            }
            case SHUTDOWN -> {
                return () -> Thread.ofPlatform().name("pgagroal-shutdown").start(pgagroal::close);
            }
            case CANCEL_SHUTDOWN -> pgagroal.cancelShutdown();
            case CLEAR_SERVER -> clearServer(request.path("Server").asText("server"));
            case RELOAD -> reload(response);
            case CONFIG_LS -> ConfigReport.paths(pgagroal.config(), response);
            case CONFIG_GET -> ConfigReport.values(pgagroal.config(), response);
            case CONFIG_ALIAS -> ConfigReport.aliases(pgagroal.config(), response);
            case GET_PASSWORD -> {
                String user = request.path("Username").asText("");
                response.put("Username", user);
                response.put("Password", pgagroal.frontendPassword(user).orElse(null));
            }
            case CONFIG_SET -> configSet(request, response);
            case SWITCH_TO -> SessionCommands.switchTo(pgagroal, request, response);
            case PAUSE -> SessionCommands.pause(pgagroal, request, response);
            case RESUME -> SessionCommands.resume(pgagroal, request, response);
            case TERMINATE -> SessionCommands.terminate(pgagroal, request, response);
            case CLEAR -> throw new ManagementException(ManagementException.METRICS_ERROR,
                    "clear prometheus is not supported yet: the pooler has no metrics yet");
            case UNKNOWN -> throw new ManagementException(ManagementException.UNKNOWN_COMMAND, "unknown command 0");
        }
        return null;
    }

    private static String database(JsonNode request) {
        return request.path("Database").asText("*");
    }

    private static FlushMode flushMode(int value) throws ManagementException {
        return Arrays.stream(FlushMode.values()).filter(m -> m.value() == value).findFirst()
                .orElseThrow(() -> new ManagementException(ManagementException.FLUSH_ERROR, "unknown flush mode " + value));
    }

    private void clearServer(String name) throws ManagementException {
        try {
            pgagroal.clearServer(name);
        } catch (IllegalArgumentException e) {
            throw new ManagementException(ManagementException.BAD_PAYLOAD, e.getMessage());
        }
    }

    /** Restart: whether a restart-only key changed; Applied and RestartRequired name the keys. */
    private void reload(ObjectNode response) throws ManagementException {
        ReloadReport report = pgagroal.reload();
        if (!report.succeeded()) {
            throw new ManagementException(ManagementException.RELOAD_FAILED, "reload failed, nothing changed: " + report.error().orElseThrow());
        }
        response.put("Restart", report.needsRestart());
        report.applied().forEach(response.putArray("Applied")::add);
        report.restartRequired().forEach(response.putArray("RestartRequired")::add);
    }

    /**
     * {@code conf set}: Response status {@code success} with old_value and new_value, or
     * {@code success_restart_required} with current_value and requested_value (nothing changed);
     * error 1004 without a key or value, 1002 for a key that is not a {@code [pgagroal]} key or a
     * value that does not validate.
     */
    private void configSet(JsonNode request, ObjectNode response) throws ManagementException {
        if (!request.path("ConfigKey").isTextual() || !request.path("ConfigValue").isTextual()) {
            throw new ManagementException(ManagementException.CONF_SET_NO_KEY_OR_VALUE, "conf set needs ConfigKey and ConfigValue");
        }
        String key = request.path("ConfigKey").asText();
        String value = request.path("ConfigValue").asText();
        String name = key.startsWith("pgagroal.") ? key.substring("pgagroal.".length()) : key;
        Setting setting = Setting.byKey(Setting.Section.MAIN, name).orElseThrow(() -> new ManagementException(
                ManagementException.CONF_SET_ERROR_INVALID_KEY, name.matches("(server|hba|limit)\\..+")
                        ? "conf set of server, hba and limit keys is not supported yet: " + key + "; " + ConfigReport.whereToChange(name)
                        : "unknown configuration key " + key));
        String old = pgagroal.config().main().rawValue(setting);
        ReloadReport report = pgagroal.set(setting.key(), value);
        if (!report.succeeded()) {
            throw new ManagementException(ManagementException.CONF_SET_ERROR_INVALID_KEY, report.error().orElseThrow());
        }
        response.put("config_key", key);
        response.put("restart_required", report.needsRestart());
        if (report.needsRestart()) {
            response.put("status", "success_restart_required");
            response.put("message", setting.key() + " requires a restart; nothing changed");
            response.put("current_value", old);
            response.put("requested_value", value);
        } else {
            response.put("status", "success");
            response.put("message", "configuration change applied");
            response.put("old_value", old);
            response.put("new_value", pgagroal.config().main().rawValue(setting));
        }
    }
}
