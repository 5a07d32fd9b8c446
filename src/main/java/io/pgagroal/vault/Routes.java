package io.pgagroal.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Version;
import io.pgagroal.config.VaultConfig;
import io.pgagroal.management.RemoteManagement;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pgagroal-vault answers (spec §1.4): {@code GET /users/<name>} the user's current frontend
 * password, asked of pgagroal over remote management (GET_PASSWORD); {@code GET /status} the vault's
 * state and whether pgagroal lets it in; 404 for anything else, for a user without a frontend
 * password, and when pgagroal cannot be asked; with tls_cert_auth_mode = verify-full, 403 for a user
 * other than the client certificate's identity. These run on a lookup thread: they block.
 */
final class Routes {

    /** An answer: status code, content type (null without body) and body. */
    record Answer(int status, String contentType, String body) {

        static final Answer NOT_FOUND = new Answer(404, null, "");
    }

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USERS = "/users/";

    private final VaultConfig config;
    private final RemoteManagement pgagroal;
    private final boolean verifyFull;

    Routes(VaultConfig config, RemoteManagement pgagroal) {
        this.config = config;
        this.pgagroal = pgagroal;
        this.verifyFull = config.tls().map(VaultConfig.Tls::verifyFull).orElse(false);
    }

    /**
     * @param path     the request's path, without query string
     * @param identity the identity of the client's certificate ({@link CertificateIdentity}), if any
     */
    Answer answer(String method, String path, Optional<String> identity) {
        if (!method.equals("GET")) {
            return Answer.NOT_FOUND;
        }
        if (path.startsWith(USERS) && path.length() > USERS.length() && path.indexOf('/', USERS.length()) < 0) {
            String name = path.substring(USERS.length());
            return verifyFull ? authorized(name, identity).orElseGet(() -> user(name)) : user(name);
        }
        if (path.equals("/status")) {
            return status();
        }
        return Answer.NOT_FOUND;
    }

    /** verify-full (spec §1.4): 403 unless the certificate's identity is the requested user (case-sensitive). */
    private static Optional<Answer> authorized(String name, Optional<String> identity) {
        if (identity.isEmpty()) {
            LOG.warn("pgagroal-vault: certificate authentication enabled but no client certificate identity provided");
            return Optional.of(forbidden("Client certificate identity required"));
        }
        if (!identity.get().equals(name)) {
            LOG.warn("pgagroal-vault: certificate identity '{}' does not match requested user '{}'", identity.get(), name);
            return Optional.of(forbidden("Certificate identity does not match requested user"));
        }
        return Optional.empty();
    }

    private static Answer forbidden(String reason) {
        return new Answer(403, "text/plain; charset=UTF-8", "Access Denied: " + reason + "\n");
    }

    private Answer user(String name) {
        Optional<String> password;
        try {
            password = pgagroal.frontendPassword(name);
        } catch (IOException e) {
            LOG.error("pgagroal-vault: could not ask pgagroal at {}:{} for {}: {}", config.pgagroalHost(), config.pgagroalPort(),
                    name, e.getMessage());
            return Answer.NOT_FOUND;
        }
        if (password.isEmpty()) {
            LOG.warn("pgagroal-vault: pgagroal has no frontend password for {}", name);
            return Answer.NOT_FOUND;
        }
        return new Answer(200, "text/plain; charset=UTF-8", password.get());
    }

    private Answer status() {
        ObjectNode status = MAPPER.createObjectNode();
        status.put("status", "ok");
        status.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode vault = status.putObject("vault");
        vault.put("version", Version.VERSION);
        vault.put("pid", ProcessHandle.current().pid());
        ObjectNode configuration = status.putObject("configuration");
        configuration.put("host", config.host());
        configuration.put("port", config.port());
        configuration.put("tls_enabled", config.tls().isPresent());
        ObjectNode connection = status.putObject("pgagroal_connection");
        connection.put("status", pgagroal.ping() ? "connected" : "disconnected");
        connection.put("host", config.pgagroalHost());
        connection.put("port", config.pgagroalPort());
        try {
            return new Answer(200, "application/json", MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
