package io.pgagroal.management;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One management frame (spec §8.1): {@code uint8 compression, uint8 encryption, uint32 length
 * (big-endian), length bytes}. The payload is what {@link FrameBody} turns into JSON and back.
 */
record Frame(int compression, int encryption, byte[] payload) {

    static final int HEADER_LENGTH = 6;
    /** Larger frames are refused: a management document is a few kilobytes. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    /** Reads one frame from a blocking stream (the CLI's side). */
    static Frame read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int compression;
        try {
            compression = in.readUnsignedByte();
        } catch (EOFException e) {
            throw new EOFException("the server closed the connection without an answer");
        }
        int encryption = in.readUnsignedByte();
        long length = Integer.toUnsignedLong(in.readInt());
        if (length > MAX_PAYLOAD) {
            throw new IOException("frame of " + length + " bytes is longer than " + MAX_PAYLOAD);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("frame cut short: " + payload.length + " of " + length + " bytes");
        }
        return new Frame(compression, encryption, payload);
    }

    void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeByte(compression);
        out.writeByte(encryption);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }
}
