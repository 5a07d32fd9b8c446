package io.pgagroal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    void plainPayloadsAreTheJsonAndOtherCodesAreRefusedAsBadPayload() throws ManagementException {
        byte[] json = "{\"Header\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThat(FrameBody.toJson(0, 0, json)).isSameAs(json);
        assertThat(FrameBody.fromJson(0, 0, json)).isSameAs(json);
        assertThatThrownBy(() -> FrameBody.toJson(2, 0, json)).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.code()).isEqualTo(ManagementException.BAD_PAYLOAD)).hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> FrameBody.fromJson(0, 1, json)).isInstanceOf(ManagementException.class);
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
