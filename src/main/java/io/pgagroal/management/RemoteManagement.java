package io.pgagroal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Requests to a pooler's remote management port for other programs (pgagroal-vault): each call
 * logs in as the admin (SCRAM-SHA-256, spec §8.4) and sends one request, as pgagroal does.
 */
public final class RemoteManagement {

    /** Frames encrypted with AES-256-CBC and the master key, as pgagroal-vault sends GET_PASSWORD. */
    private static final int AES_256_CBC = 1;

    private final ManagementClient.Remote remote;

    public RemoteManagement(String host, int port, String admin, String password) {
        this.remote = new ManagementClient.Remote(host, port, admin, password);
    }

    /**
     * GET_PASSWORD: the current frontend password of {@code user}, empty when the pooler has none
     * for it.
     *
     * @throws IOException when the pooler cannot be reached, refuses the login, or answers with an error
     */
    public Optional<String> frontendPassword(String user) throws IOException {
        ObjectNode request = Documents.request(ManagementCommand.GET_PASSWORD, Documents.OUTPUT_JSON, 0, AES_256_CBC);
        ((ObjectNode) request.path("Request")).put("Username", user);
        JsonNode password = exchange(request).at("/Response/Password");
        return password.isTextual() && !password.asText().isEmpty() ? Optional.of(password.asText()) : Optional.empty();
    }

    /** PING: whether the pooler can be reached and lets the admin in. */
    public boolean ping() {
        try {
            exchange(Documents.request(ManagementCommand.PING, Documents.OUTPUT_JSON, 0, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private ObjectNode exchange(ObjectNode request) throws IOException {
        ObjectNode answer;
        try {
            answer = ManagementClient.exchange(remote, request);
        } catch (ManagementException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!answer.at("/Outcome/Status").asBoolean(false)) {
            throw new IOException("pgagroal answered error " + answer.at("/Outcome/Error").asInt() + ": "
                    + answer.at("/Outcome/Message").asText(""));
        }
        return answer;
    }
}
