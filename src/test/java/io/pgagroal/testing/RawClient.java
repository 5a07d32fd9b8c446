package io.pgagroal.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal protocol 3.0 client on a plain socket, for what drivers do not expose: the
 * BackendKeyData a client was given, CancelRequests with any key, a startup packet without
 * client_encoding, the ParameterStatus messages a query brings, query text in any encoding, and a
 * startup on a socket of the test's own (PostgreSQL 17's direct TLS).
 * Trust authentication only.
 */
public final class RawClient implements AutoCloseable {

    /** The BackendKeyData a client was given. */
    public record Key(int processId, int secretKey) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private Key key;
    private char status;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects and reads the startup reply up to ReadyForQuery. */
    public static RawClient connect(String host, int port, String user, String database) throws IOException {
        return connect(new Socket(host, port), user, database);
    }

    /** Connects with these startup parameters besides user and database, and reads the startup reply up to ReadyForQuery. */
    public static RawClient connect(String host, int port, String user, String database, Map<String, String> startup) throws IOException {
        return connect(new Socket(host, port), user, database, startup);
    }

    /** Starts up on a socket already connected (a TLS socket, for direct TLS) and reads up to ReadyForQuery. */
    public static RawClient connect(Socket socket, String user, String database) throws IOException {
        return connect(socket, user, database, Map.of());
    }

    private static RawClient connect(Socket socket, String user, String database, Map<String, String> startup) throws IOException {
        RawClient client = new RawClient(socket);
        client.socket.setSoTimeout(10_000);
        StringBuilder packet = new StringBuilder("user\0" + user + "\0database\0" + database + "\0");
        startup.forEach((name, value) -> packet.append(name).append('\0').append(value).append('\0'));
        byte[] parameters = packet.append('\0').toString().getBytes(StandardCharsets.UTF_8);
        client.out.writeInt(8 + parameters.length);
        client.out.writeInt(196608);
        client.out.write(parameters);
        client.out.flush();
        client.readUntilReady();
        return client;
    }

    private void readUntilReady() throws IOException {
        while (true) {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'K' -> key = new Key(ByteBuffer.wrap(body).getInt(0), ByteBuffer.wrap(body).getInt(4));
                case 'E' -> throw new IOException("error from the pooler: " + new String(body, StandardCharsets.UTF_8));
                case 'Z' -> {
                    return;
                }
                default -> {
                }
            }
        }
    }

    /**
     * Sends {@code sql} as a simple Query encoded in {@code charset} and reads up to ReadyForQuery.
     * Returns what came back, one line per message: {@code S name=value} (ParameterStatus),
     * {@code D first-column} (DataRow, decoded with {@code charset}), {@code C tag}
     * (CommandComplete), {@code E sqlstate} (ErrorResponse); other messages are left out.
     */
    public List<String> query(String sql, Charset charset) throws IOException {
        byte[] text = sql.getBytes(charset);
        out.writeByte('Q');
        out.writeInt(4 + text.length + 1);
        out.write(text);
        out.writeByte(0);
        out.flush();
        return replies(charset);
    }

    /**
     * Sends the queries as Query messages in one write, without waiting in between, and reads the
     * answers up to the last ReadyForQuery, as {@link #query} (each ReadyForQuery as {@code Z}).
     */
    public List<String> pipelined(String... queries) throws IOException {
        for (String sql : queries) {
            byte[] text = sql.getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(4 + text.length + 1);
            out.write(text);
            out.writeByte(0);
        }
        out.flush();
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            replies.addAll(replies(StandardCharsets.UTF_8));
            replies.add("Z");
        }
        return replies;
    }

    /**
     * Sends each statement as Parse, Bind and Execute of the unnamed statement and portal, then one
     * Sync (one batch, one implicit transaction), and reads up to ReadyForQuery, as {@link #query}.
     */
    public List<String> extended(String... statements) throws IOException {
        for (String sql : statements) {
            byte[] text = sql.getBytes(StandardCharsets.UTF_8);
            out.writeByte('P');
            out.writeInt(4 + 1 + text.length + 1 + 2);
            out.writeByte(0);
            out.write(text);
            out.writeByte(0);
            out.writeShort(0);
            out.write(new byte[] {'B', 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0});
            out.write(new byte[] {'E', 0, 0, 0, 9, 0, 0, 0, 0, 0});
        }
        out.write(new byte[] {'S', 0, 0, 0, 4});
        out.flush();
        return replies(StandardCharsets.UTF_8);
    }

    /**
     * Sends messages made with {@link ProtocolBytes} in one write and reads up to the first
     * ReadyForQuery, as {@link #query}; {@link #status} then tells its transaction status.
     */
    public List<String> send(byte[]... messages) throws IOException {
        write(messages);
        return replies(StandardCharsets.UTF_8);
    }

    /** Sends messages made with {@link ProtocolBytes} in one write, reading nothing. */
    public void write(byte[]... messages) throws IOException {
        out.write(ProtocolBytes.concat(messages));
        out.flush();
    }

    /** The transaction status of the last ReadyForQuery: I, T or E. */
    public char status() {
        return status;
    }

    private List<String> replies(Charset charset) throws IOException {
        List<String> replies = new ArrayList<>();
        while (true) {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            ByteBuffer buffer = ByteBuffer.wrap(body);
            switch (type) {
                case 'S' -> replies.add("S " + cstring(buffer, charset) + "=" + cstring(buffer, charset));
                case 'C' -> replies.add("C " + cstring(buffer, charset));
                case 'D' -> {
                    buffer.getShort();
                    int length = buffer.getInt();
                    replies.add("D " + (length < 0 ? "null" : new String(body, buffer.position(), length, charset)));
                }
                case 'E' -> {
                    while (buffer.get(buffer.position()) != 0) {
                        byte field = buffer.get();
                        String value = cstring(buffer, charset);
                        if (field == 'C') {
                            replies.add("E " + value);
                        }
                    }
                }
                case 'Z' -> {
                    status = (char) body[0];
                    return replies;
                }
                default -> {
                }
            }
        }
    }

    private static String cstring(ByteBuffer buffer, Charset charset) {
        int start = buffer.position();
        while (buffer.get() != 0) {
            // to the terminator
        }
        return new String(buffer.array(), start, buffer.position() - start - 1, charset);
    }

    public Key key() {
        return key;
    }

    /** Closes the socket without Terminate, as a client that went away. */
    public void abandon() throws IOException {
        socket.close();
    }

    /** Sends Terminate and closes. */
    @Override
    public void close() throws IOException {
        try {
            out.write(new byte[] {'X', 0, 0, 0, 4});
            out.flush();
        } finally {
            socket.close();
        }
    }

    /** Sends a CancelRequest with {@code key} on a new connection, as libpq does. */
    public static void cancel(String host, int port, Key key) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            DataOutputStream request = new DataOutputStream(socket.getOutputStream());
            request.writeInt(16);
            request.writeInt(80877102);
            request.writeInt(key.processId());
            request.writeInt(key.secretKey());
            request.flush();
            socket.setSoTimeout(5_000);
            socket.getInputStream().read();
        }
    }
}
