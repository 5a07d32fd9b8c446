package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CompressionTest {

    /** A PING request as pgagroal-cli sends it; every vector below is this text. */
    static final String PING = "{\"Header\":{\"Command\":11,\"ClientVersion\":\"2.0.0\",\"Output\":0,"
            + "\"Timestamp\":\"20261203021500\",\"Compression\":3,\"Encryption\":0},\"Request\":{}}";

    /**
     * Vectors written by the C libraries pgagroal links, with {@code T} = {@link #PING}:
     * gzip: {@code printf %s "$T" | gzip -9 -n | base64 -w0};
     * bzip2: {@code printf %s "$T" | bzip2 -9 | base64 -w0};
     * zstd and lz4 with pgagroal's own calls, through Python ctypes:
     * {@code ZSTD_compress(out, 1024, T, len(T), 1)} from libzstd.so.1 (1.5.4) and
     * {@code LZ4_compress_default(T, out, len(T), 1024)} from liblz4.so.1 (1.9.4).
     */
    @ParameterizedTest
    @CsvSource({
        "GZIP, H4sIAAAAAAACAyWNMQvDIBSE/8vNEp6GdnANhW6FUrpL8gahGqvPIQT/e006Ht99dzvu7BbOsDumNQQXF1itFaaP5yhvzsWvERZmoIGg8KiSqsCSwssHLuJCOjCZqzY0ktEXOnp9LGUuf3tUuMU5b0nOSE3hyd/a7f7b2g+u/rF7hQAAAA==",
        "BZIP2, QlpoOTFBWSZTWZVR5RQAAEAfgBAFexAKQJUALif+KiAAdQ1T1D0jTIAaaYI9QRPQkxBkAABohQLXfs8x0j/gQDKqbBOsoiMRJzSV4tSBK8mg1UABsCnoIOl3zFyLpNMSkbPciApXqoHUofLMeEmbUZI8RQkzm7j0cnP8XckU4UJCVUeUUA==",
        "ZSTD, KLUv/SCFdQMAoscYGoCpOjyqskR3x6wCxQ8dVbiAIIo12TpzMCsjSRL3/RgquPBMtNvCIZbgeTx2TbHzvCqgGD3UlIBR831TqB+rZHjqvmFrSHheDTXM94ul5/jQi1PiPEvZIwspxc7j3jGCePAYAgAyAsFgwGY=",
        "LZ4, 8El7IkhlYWRlciI6eyJDb21tYW5kIjoxMSwiQ2xpZW50VmVyc2lvbiI6IjIuMC4wIiwiT3V0cHV0IjowLCJUaW1lc3RhbXAiOiIyMDI2MTIwMzAyMTUwMCIsTQBCcHJlcz4AoTMsIkVuY3J5cHRNAPABMH0sIlJlcXVlc3QiOnt9fQ==",
    })
    void decodesWhatTheCLibrariesWrite(Compression compression, String base64) {
        byte[] decoded = compression.decompress(Base64.getDecoder().decode(base64));

        assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(PING);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTrips(Compression compression) {
        byte[] random = new byte[100_000];
        new Random(11).nextBytes(random);
        for (byte[] data : new byte[][] {PING.getBytes(StandardCharsets.UTF_8), random, new byte[0], "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII)}) {
            assertThat(compression.decompress(compression.compress(data))).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void codesAreThoseOfPgagroal(Compression compression) {
        assertThat(Compression.of(compression.code())).isSameAs(compression);
        assertThat(compression.code()).isEqualTo(compression.ordinal());
    }

    @Test
    void unknownCodeIsRefused() {
        assertThatThrownBy(() -> Compression.of(5)).isInstanceOf(FrameCodecException.class)
                .hasMessageContaining("compression 5 is not supported");
    }

    @Test
    void gzipDeflatesAtLevelNine() {
        byte[] text = words();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(text);
        deflater.finish();
        byte[] level9 = new byte[text.length];
        int length = deflater.deflate(level9);

        byte[] member = Compression.GZIP.compress(text);

        // a gzip member is a 10-byte header, the deflate stream, then CRC-32 and size
        assertThat(Arrays.copyOfRange(member, 10, member.length - 8)).isEqualTo(Arrays.copyOf(level9, length));
    }

    @Test
    void zstdRecordsTheContentSizePgagroalNeeds() {
        byte[] frame = Compression.ZSTD.compress(PING.getBytes(StandardCharsets.UTF_8));

        assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(PING.length());
    }

    /** {@code printf %s "$T" | zstd -1 -q -c | base64 -w0}: the zstd tool streams, leaving the size out. */
    @Test
    void zstdFrameWithoutContentSizeIsRefusedLikePgagroalDoes() {
        byte[] streamed = Base64.getDecoder().decode("KLUv/QRIbQMAUkgaGnBJ3C//CxlNiQFL4Ilwuw8811Hf0r+v+r+Ey6Lo+22i2MJxST0z1W3hECw4Hnpm6r11bTF0fCbAnDzymMDJc31bqd8uZTimvpPWCeH4NNI41zNTz+2heVUCHY3RI5zWYuiK3i2SdnAlAN55WAw=");

        assertThatThrownBy(() -> Compression.ZSTD.decompress(streamed)).isInstanceOf(FrameCodecException.class)
                .hasMessageContaining("does not record its decompressed size");
    }

    /** pgagroal's lz4 decoder allows 4 times the block's size, so a block must never expand that far. */
    @Test
    void lz4NeverExpandsFourTimes() {
        byte[] repetitive = "a".repeat(10_000).getBytes(StandardCharsets.US_ASCII);

        byte[] block = Compression.LZ4.compress(repetitive);

        assertThat((long) block.length * 4).isGreaterThan(repetitive.length);
        assertThat(Compression.LZ4.decompress(block)).isEqualTo(repetitive);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void bombIsRefused(Compression compression) {
        byte[] bomb = bomb(compression);
        assertThat(bomb.length).as("the bomb is small").isLessThan(Compression.MAX_DECOMPRESSED / 100);

        assertThatThrownBy(() -> compression.decompress(bomb)).isInstanceOf(FrameCodecException.class)
                .hasMessageContaining("more than " + Compression.MAX_DECOMPRESSED + " bytes");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageIsRefused(Compression compression) {
        byte[] garbage = "definitely not compressed".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> compression.decompress(garbage)).isInstanceOf(FrameCodecException.class)
                .hasMessageStartingWith(compression.name().toLowerCase() + " payload");
    }

    /** Text on which levels 6 (the default) and 9 deflate differently. */
    private static byte[] words() {
        String[] words = {"Server", "Port", "Database", "Username", "Active", "\"", "{", "}", ":", ",", "1", "22", "333", "primary", "replica"};
        Random random = new Random(9);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append(words[random.nextInt(words.length)]);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One byte more than the limit, compressed; lz4 blocks are written by hand (the encoder caps them). */
    private static byte[] bomb(Compression compression) {
        int size = Compression.MAX_DECOMPRESSED + 1;
        if (compression == Compression.LZ4) {
            return lz4Zeros(size);
        }
        if (compression == Compression.GZIP) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(new byte[size]);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return out.toByteArray();
        }
        return compression.compress(new byte[size]);
    }

    /** Literal 0, then one match at offset 1 of {@code size - 1 - 5} bytes, then 5 literal zeros. */
    private static byte[] lz4Zeros(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int match = size - 1 - 5;
        out.write(0x1F);
        out.write(0);
        out.write(1);
        out.write(0);
        for (int rest = match - 4 - 15; ; rest -= 255) {
            if (rest < 255) {
                out.write(rest);
                break;
            }
            out.write(255);
        }
        out.write(0x50);
        out.writeBytes(new byte[5]);
        return out.toByteArray();
    }
}
