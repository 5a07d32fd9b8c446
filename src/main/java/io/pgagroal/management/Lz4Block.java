package io.pgagroal.management;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * A raw LZ4 block, as pgagroal's {@code LZ4_compress_default} writes it: no frame, no checksum, and the
 * original length does not travel. pgagroal decodes into a buffer of 4 times the block's size and writes
 * a terminating NUL after the text, so it fails on a block that expands 4 times or more; for such
 * (very repetitive) input this writes the text as one literal run instead, which every decoder reads.
 * The codecs are lz4-java's pure-Java ones.
 */
final class Lz4Block {

    private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

    /** pgagroal's decoder: {@code max_decompressed_size = compressed_size * 4}, plus its NUL. */
    private static final int UPSTREAM_EXPANSION = 4;
    /** An LZ4 sequence expands at most about 255 times. */
    private static final int MAX_EXPANSION = 255;

    private Lz4Block() {
    }

    static byte[] compress(byte[] data) {
        byte[] block = LZ4.fastCompressor().compress(data);
        if ((long) block.length * UPSTREAM_EXPANSION <= data.length) {
            return literals(data);
        }
        return block;
    }

    static byte[] decompress(byte[] block, int limit) {
        int capacity = (int) Math.min(limit, (long) block.length * MAX_EXPANSION + 16);
        byte[] out = new byte[capacity];
        try {
            int length = LZ4.safeDecompressor().decompress(block, 0, block.length, out, 0, out.length);
            return Arrays.copyOf(out, length);
        } catch (LZ4Exception e) {
            if (capacity == limit) {
                throw new FrameCodecException("lz4 payload is malformed or decompresses to more than " + limit
                        + " bytes; refused", e);
            }
            throw new FrameCodecException("lz4 payload is not a raw LZ4 block: " + e.getMessage(), e);
        }
    }

    /** One LZ4 sequence of literals only: token, length continuation bytes, the bytes. */
    static byte[] literals(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 255 + 2);
        int length = data.length;
        out.write(Math.min(length, 15) << 4);
        if (length >= 15) {
            int rest = length - 15;
            while (rest >= 255) {
                out.write(255);
                rest -= 255;
            }
            out.write(rest);
        }
        out.write(data, 0, length);
        return out.toByteArray();
    }
}
