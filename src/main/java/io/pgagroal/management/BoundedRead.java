package io.pgagroal.management;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Drains a decompressing stream, refusing to produce more than a limit (a decompression bomb). */
final class BoundedRead {

    private BoundedRead() {
    }

    static byte[] readAll(InputStream in, int limit, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            if (out.size() + n > limit) {
                throw tooLarge(format, limit);
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    static FrameCodecException tooLarge(String format, int limit) {
        return new FrameCodecException(format + " payload decompresses to more than " + limit + " bytes; refused");
    }
}
