package io.pgagroal.management;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The compression byte of a management frame (spec §8.1), with pgagroal's codes. What pgagroal writes
 * and reads, and so what these do:
 * <ul>
 * <li>gzip: a gzip member (zlib's gzip wrapper) at level 9;
 * <li>zstd: one zstd frame at level 1, which records the content size (pgagroal refuses a frame without it);
 * <li>lz4: one raw LZ4 block, see {@link Lz4Block};
 * <li>bzip2: a bzip2 stream with 900k blocks.
 * </ul>
 * Decompression never produces more than {@link #MAX_DECOMPRESSED} bytes: a frame that would is refused
 * with a {@link FrameCodecException}, before the memory is spent.
 */
public enum Compression {

    NONE(0) {
        @Override
        public byte[] compress(byte[] data) {
            return data;
        }

        @Override
        public byte[] decompress(byte[] data) {
            if (data.length > MAX_DECOMPRESSED) {
                throw BoundedRead.tooLarge("uncompressed", MAX_DECOMPRESSED);
            }
            return data;
        }
    },
    GZIP(1) {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            return new GZIPOutputStream(out) {
                {
                    def.setLevel(Deflater.BEST_COMPRESSION);
                }
            };
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new GZIPInputStream(in);
        }
    },
    ZSTD(2) {
        @Override
        public byte[] compress(byte[] data) {
            return Zstd.compress(data, 1);
        }

        @Override
        public byte[] decompress(byte[] frame) {
            long size = Zstd.getFrameContentSize(frame);
            if (size == ZSTD_CONTENTSIZE_UNKNOWN) {
                throw new FrameCodecException("zstd payload does not record its decompressed size; pgagroal requires it");
            }
            if (size < 0) {
                throw new FrameCodecException("zstd payload is not a zstd frame");
            }
            if (size > MAX_DECOMPRESSED) {
                throw BoundedRead.tooLarge("zstd", MAX_DECOMPRESSED);
            }
            try {
                return Zstd.decompress(frame, (int) size);
            } catch (ZstdException e) {
                throw new FrameCodecException("zstd payload is malformed: " + e.getMessage(), e);
            }
        }
    },
    LZ4(3) {
        @Override
        public byte[] compress(byte[] data) {
            return Lz4Block.compress(data);
        }

        @Override
        public byte[] decompress(byte[] block) {
            return Lz4Block.decompress(block, MAX_DECOMPRESSED);
        }
    },
    BZIP2(4) {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            return new BZip2CompressorOutputStream(out, BZip2CompressorOutputStream.MAX_BLOCKSIZE);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new BZip2CompressorInputStream(in);
        }
    };

    /** The most bytes a payload may decompress to: far above any management document pgagroal sends. */
    public static final int MAX_DECOMPRESSED = 16 * 1024 * 1024;

    /** What libzstd's {@code ZSTD_getFrameContentSize} answers for a frame without a content size. */
    private static final long ZSTD_CONTENTSIZE_UNKNOWN = -1;

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    /** @throws FrameCodecException for a code pgagroal does not define */
    public static Compression of(int code) {
        for (Compression compression : values()) {
            if (compression.code == code) {
                return compression;
            }
        }
        throw new FrameCodecException("compression " + code + " is not supported (0 none, 1 gzip, 2 zstd, 3 lz4, 4 bzip2)");
    }

    public int code() {
        return code;
    }

    public byte[] compress(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = compressing(out)) {
            compressing.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** @throws FrameCodecException when the data is not of this format or decompresses too far */
    public byte[] decompress(byte[] data) {
        try (InputStream in = decompressing(new ByteArrayInputStream(data))) {
            return BoundedRead.readAll(in, MAX_DECOMPRESSED, label());
        } catch (IOException e) {
            throw new FrameCodecException(label() + " payload is malformed: " + e.getMessage(), e);
        }
    }

    /** The stream format of the stream-based codecs; the others override compress and decompress. */
    OutputStream compressing(OutputStream out) throws IOException {
        throw new UnsupportedOperationException(name());
    }

    InputStream decompressing(InputStream in) throws IOException {
        throw new UnsupportedOperationException(name());
    }

    private String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
