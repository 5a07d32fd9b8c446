package io.pgagroal.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first packet a client sends: it has no type byte, only a length and a request code, and is
 * one of four kinds (protocol documentation, "Message Flow / Start-up"), or a Terminate instead.
 */
public sealed interface StartupPacket {

    /** SSLRequest: the client asks for TLS before the StartupMessage. */
    enum SslRequest implements StartupPacket { INSTANCE }

    /** GSSENCRequest: the client asks for GSSAPI encryption before the StartupMessage. */
    enum GssEncRequest implements StartupPacket { INSTANCE }

    /** CancelRequest: the process id and secret key of the backend whose query is to be cancelled. */
    record CancelRequest(int processId, int secretKey) implements StartupPacket {
    }

    /**
     * StartupMessage for protocol 3.0. Parameters keep the order the client sent them in; names are
     * case-sensitive as in PostgreSQL.
     */
    record StartupMessage(Map<String, String> parameters) implements StartupPacket {

        public StartupMessage {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        public String user() {
            return parameters.get("user");
        }

        /** The database, which defaults to the user name as in PostgreSQL. */
        public String database() {
            String database = parameters.get("database");
            return database == null || database.isEmpty() ? user() : database;
        }
    }

    /** Terminate ('X') in place of a startup packet: the client leaves without a word. */
    enum Terminate implements StartupPacket { INSTANCE }

    /** A request code we do not speak (another protocol version, or garbage). */
    record Unsupported(int code) implements StartupPacket {
    }
}
