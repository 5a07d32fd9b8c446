package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.security.MasterKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management frame's bytes (spec §8.1) and the payload seam, without a server. */
class FrameTest {

    @Test
    void writesCodesThenABigEndianLengthThenThePayload() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Frame(0, 0, "{}".getBytes(StandardCharsets.UTF_8)).write(out);
        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0, 0, 2, '{', '}');

        Frame back = Frame.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(back.compression()).isZero();
        assertThat(new String(back.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void aCutFrameOrAnOversizedOneIsAnError() {
        assertThatThrownBy(() -> Frame.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 0, 0, 9, '{'})))
                .isInstanceOf(EOFException.class).hasMessageContaining("1 of 9 bytes");
        assertThatThrownBy(() -> Frame.read(new ByteArrayInputStream(new byte[] {0, 0, (byte) 0xff, 0, 0, 0})))
                .isInstanceOf(IOException.class).hasMessageContaining("longer than");
        assertThatThrownBy(() -> Frame.read(new ByteArrayInputStream(new byte[0])))
                .hasMessageContaining("closed the connection without an answer");
    }

    @Test
    void plainPayloadsAreTheJsonOthersAreBase64OfTheCompressedJson() throws ManagementException {
        byte[] json = "{\"Header\":{\"Command\":11}}".getBytes(StandardCharsets.UTF_8);
        assertThat(FrameBody.toJson(0, 0, json)).isSameAs(json);
        assertThat(FrameBody.fromJson(0, 0, json)).isSameAs(json);
        for (Compression compression : List.of(Compression.GZIP, Compression.ZSTD, Compression.LZ4, Compression.BZIP2)) {
            byte[] payload = FrameBody.fromJson(compression.code(), 0, json);
            assertThat(Base64.getDecoder().decode(payload)).isEqualTo(compression.compress(json));
            assertThat(FrameBody.toJson(compression.code(), 0, payload)).isEqualTo(json);
        }
    }

    @Test
    void anUnknownCodeBadBase64OrAMissingMasterKeyIsABadPayload(@TempDir Path emptyHome) {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        assertBadPayload(() -> FrameBody.toJson(9, 0, json), "9");
        assertBadPayload(() -> FrameBody.toJson(1, 0, "not base64!".getBytes(StandardCharsets.UTF_8)), "");
        String previous = System.getProperty(MasterKey.HOME_PROPERTY);
        System.setProperty(MasterKey.HOME_PROPERTY, emptyHome.toString());
        try {
            assertBadPayload(() -> FrameBody.fromJson(0, 1, json), "master key");
        } finally {
            if (previous == null) {
                System.clearProperty(MasterKey.HOME_PROPERTY);
            } else {
                System.setProperty(MasterKey.HOME_PROPERTY, previous);
            }
        }
    }

    private static void assertBadPayload(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.code()).isEqualTo(ManagementException.BAD_PAYLOAD)).hasMessageContaining(message);
    }

    @Test
    void aRequestDocumentHasPgagroalsHeader() throws ManagementException {
        var document = Documents.parse(Documents.compact(Documents.request(ManagementCommand.FLUSH, Documents.OUTPUT_JSON, 0, 0)));
        assertThat(document.at("/Header/Command").asInt()).isEqualTo(8);
        assertThat(document.at("/Header/ClientVersion").asText()).isEqualTo("2.0.0");
        assertThat(document.at("/Header/Output").asInt()).isEqualTo(1);
        assertThat(document.at("/Header/Timestamp").asText()).matches("\\d{14}");
        assertThatThrownBy(() -> Documents.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no Header object");
    }
}
