package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupPacketDecoderTest {

    @Test
    void decodesStartupMessageSplitByteByByte() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "alice");
        parameters.put("application_name", "psql");
        parameters.put("TimeZone", "Europe/Paris");
        ByteBuf packet = Messages.startupMessage(Unpooled.buffer().alloc(), parameters);
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        while (packet.isReadable()) {
            channel.writeInbound(packet.readRetainedSlice(1));
        }
        packet.release();
        StartupPacket.StartupMessage startup = channel.readInbound();
        assertThat(startup.parameters()).containsExactlyEntriesOf(parameters);
        assertThat(startup.user()).isEqualTo("alice");
        assertThat(startup.database()).as("database defaults to the user").isEqualTo("alice");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesRequestsThatPrecedeStartup() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        channel.writeInbound(Unpooled.buffer().writeInt(8).writeInt(Protocol.SSL_REQUEST_CODE)
                .writeInt(8).writeInt(Protocol.GSSENC_REQUEST_CODE)
                .writeInt(16).writeInt(Protocol.CANCEL_REQUEST_CODE).writeInt(42).writeInt(7)
                .writeInt(8).writeInt(196609));
        assertThat((Object) channel.readInbound()).isEqualTo(StartupPacket.SslRequest.INSTANCE);
        assertThat((Object) channel.readInbound()).isEqualTo(StartupPacket.GssEncRequest.INSTANCE);
        assertThat((Object) channel.readInbound()).isEqualTo(new StartupPacket.CancelRequest(42, 7));
        assertThat((Object) channel.readInbound()).isEqualTo(new StartupPacket.Unsupported(196609));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesTerminateInPlaceOfAStartupPacket() {
        ByteBuf terminate = Unpooled.buffer().writeByte(Protocol.TERMINATE).writeInt(4);
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        while (terminate.isReadable()) {
            assertThat(channel.inboundMessages()).isEmpty();
            channel.writeInbound(terminate.readRetainedSlice(1));
        }
        terminate.release();
        StartupPacket packet = channel.readInbound();
        assertThat(packet).isEqualTo(StartupPacket.Terminate.INSTANCE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void rejectsXWithAnotherLengthAsAnInvalidLength() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte(Protocol.TERMINATE).writeInt(8)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("invalid length of startup packet");
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectsOversizedLength() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(1 << 30).writeInt(Protocol.PROTOCOL_3_0)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("invalid length of startup packet");
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectsUnterminatedParameters() {
        ByteBuf packet = Unpooled.buffer().writeInt(0).writeInt(Protocol.PROTOCOL_3_0).writeBytes("user".getBytes());
        packet.setInt(0, packet.readableBytes());
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder());
        assertThatThrownBy(() -> channel.writeInbound(packet))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("unterminated string");
        channel.finishAndReleaseAll();
    }
}
