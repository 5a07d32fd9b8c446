package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupReplayTest {

    /** AuthenticationOk, two ParameterStatus, BackendKeyData and ReadyForQuery as PostgreSQL 15 sent them. */
    private static final byte[] REPLAY = HexFormat.of().parseHex("520000000800000000"
            + "530000001d6170706c69636174696f6e5f6e616d65006361707475726500"
            + "5300000019636c69656e745f656e636f64696e67005554463800"
            + "4b0000000c0000280135385250"
            + "5a0000000549");

    @Test
    void readsTheReportedParameters() {
        assertThat(StartupReplay.parameters(REPLAY)).containsExactly(entry("application_name", "capture"), entry("client_encoding", "UTF8"));
    }

    @Test
    void replacesParametersInPlaceAndAddsNoOther() {
        Map<String, String> reported = new LinkedHashMap<>();
        reported.put("client_encoding", "LATIN1");
        reported.put("TimeZone", "Europe/Paris");
        assertThat(messages(StartupReplay.withParameters(REPLAY, reported))).containsExactly(
                "R AuthenticationOk[]",
                "S ParameterStatus[name=application_name, value=capture]",
                "S ParameterStatus[name=client_encoding, value=LATIN1]",
                "K BackendKeyData[processId=10241, secretKey=892883536]",
                "Z ReadyForQuery[I]");
    }

    @Test
    void nothingToReportLeavesTheReplayAsItIs() {
        assertThat(StartupReplay.withParameters(REPLAY, Map.of())).isEqualTo(REPLAY);
    }

    @Test
    void replacesTheBackendKeyAlone() {
        byte[] replaced = StartupReplay.withBackendKey(REPLAY, new BackendKeyData(7, -7));
        assertThat(messages(replaced)).contains("K BackendKeyData[processId=7, secretKey=-7]");
        byte[] expected = REPLAY.clone();
        System.arraycopy(HexFormat.of().parseHex("00000007fffffff9"), 0, expected, expected.length - 14, 8);
        assertThat(replaced).isEqualTo(expected);
    }

    private static List<String> messages(byte[] replay) {
        List<String> messages = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(replay);
        while (in.isReadable()) {
            byte type = in.readByte();
            ByteBuf body = in.readSlice(in.readInt() - 4);
            Object message = switch (type) {
                case 'R' -> AuthenticationRequest.decode(body);
                case 'S' -> ParameterStatus.decode(body);
                case 'K' -> BackendKeyData.decode(body);
                case 'Z' -> ReadyForQuery.decode(body);
                default -> throw new AssertionError("unexpected message type " + (char) type);
            };
            messages.add((char) type + " " + message);
        }
        return messages;
    }
}
