package io.pgagroal.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.Version;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The management JSON document (spec §8.2): {@code Header}, {@code Request}, {@code Response} and
 * {@code Outcome}, as both sides build and read it. A failed Outcome carries {@code Message}, a
 * sentence for people, beside pgagroal's {@code Error} code (pgagroal has no such field; its tools
 * ignore it).
 */
final class Documents {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Header Output: how the CLI prints the answer. */
    static final int OUTPUT_TEXT = 0;
    static final int OUTPUT_JSON = 1;
    static final int OUTPUT_RAW = 2;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Documents() {
    }

    /** A request as the CLI sends it: the header and an empty Request for the command's arguments. */
    static ObjectNode request(ManagementCommand command, int output, int compression, int encryption) {
        ObjectNode document = MAPPER.createObjectNode();
        ObjectNode header = document.putObject("Header");
        header.put("Command", command.id());
        header.put("ClientVersion", Version.VERSION);
        header.put("Output", output);
        header.put("Timestamp", LocalDateTime.now().format(TIMESTAMP));
        header.put("Compression", compression);
        header.put("Encryption", encryption);
        document.putObject("Request");
        return document;
    }

    /** Reads a document; anything but a JSON object with a Header object is a bad payload. */
    static ObjectNode parse(byte[] json) throws ManagementException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ManagementException(ManagementException.BAD_PAYLOAD, "the payload is not a JSON document: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ManagementException(ManagementException.BAD_PAYLOAD, "the payload is not a JSON document: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode document) || !document.path("Header").isObject()) {
            throw new ManagementException(ManagementException.BAD_PAYLOAD, "the payload is not a management document (no Header object)");
        }
        return document;
    }

    static byte[] compact(ObjectNode document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Outcome {Status: true, Time: HH:MM:SS}, the time the command took. */
    static void succeeded(ObjectNode document, Duration took) {
        ObjectNode outcome = document.putObject("Outcome");
        outcome.put("Status", true);
        outcome.put("Time", "%02d:%02d:%02d".formatted(took.toHours(), took.toMinutesPart(), took.toSecondsPart()));
    }

    /** Outcome {Status: false, Error: code, Message}. */
    static void failed(ObjectNode document, ManagementException error) {
        ObjectNode outcome = document.putObject("Outcome");
        outcome.put("Status", false);
        outcome.put("Error", error.code());
        outcome.put("Message", error.getMessage());
    }

    /** The answer to a frame that held no readable document. */
    static ObjectNode unreadable(ManagementException error) {
        ObjectNode document = MAPPER.createObjectNode();
        ObjectNode header = document.putObject("Header");
        header.put("Command", ManagementCommand.UNKNOWN.id());
        header.put("Compression", 0);
        header.put("Encryption", 0);
        document.putObject("Response").put("ServerVersion", Version.VERSION);
        failed(document, error);
        return document;
    }
}
