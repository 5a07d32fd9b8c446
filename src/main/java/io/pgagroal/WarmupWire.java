package io.pgagroal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Protocol messages over a blocking socket, for the warm-up's stand-in server and clients: one
 * message is built at a time ({@link #message}, the fields, {@link #send}) into a buffered stream
 * that {@link #flush} writes out; {@link #read} returns the next message's type, its body in
 * {@link #body}. Blocking streams keep the warm-up's own side out of the pooler's code.
 */
final class WarmupWire {

    /** The type of a startup-phase message, which has no type byte. */
    static final char UNTYPED = 0;

    private final DataInputStream in;
    private final DataOutputStream out;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final DataOutputStream fields = new DataOutputStream(buffer);
    private char type;
    private byte[] body;

    WarmupWire(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    WarmupWire message(char type) {
        this.type = type;
        buffer.reset();
        return this;
    }

    WarmupWire int8(int value) throws IOException {
        fields.writeByte(value);
        return this;
    }

    WarmupWire int16(int value) throws IOException {
        fields.writeShort(value);
        return this;
    }

    WarmupWire int32(int value) throws IOException {
        fields.writeInt(value);
        return this;
    }

    WarmupWire string(String value) throws IOException {
        fields.write(value.getBytes(StandardCharsets.UTF_8));
        fields.writeByte(0);
        return this;
    }

    WarmupWire bytes(byte[] value) throws IOException {
        fields.write(value);
        return this;
    }

    /** A length-prefixed value, as in Bind and DataRow. */
    WarmupWire value(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        fields.writeInt(bytes.length);
        fields.write(bytes);
        return this;
    }

    void send() throws IOException {
        if (type != UNTYPED) {
            out.writeByte(type);
        }
        out.writeInt(buffer.size() + 4);
        buffer.writeTo(out);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** One byte on its own, flushed: the answer to SSLRequest. */
    void flushByte(char value) throws IOException {
        out.writeByte(value);
        out.flush();
    }

    /** Whether everything received so far has been read. */
    boolean drained() throws IOException {
        return in.available() == 0;
    }

    /** The next message's type ({@link #UNTYPED} when {@code untyped}), its body then in {@link #body}; -1 at the end. */
    int read(boolean untyped) throws IOException {
        int next = untyped ? UNTYPED : in.read();
        if (next < 0) {
            return -1;
        }
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return -1;
        }
        if (length < 4 || length > 1 << 20) {
            throw new IOException("impossible message length " + length);
        }
        body = in.readNBytes(length - 4);
        return next;
    }

    byte[] body() {
        return body;
    }

    /** The NUL-terminated string at the start of the body. */
    String firstString() {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }
}
