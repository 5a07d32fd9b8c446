package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticationRequestTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO6urGW813VfFGtzhhQXfIJFKy,s=ds118qrpI0qJmk+a4hWC0g==,i=4096";

    @Test
    void authenticationOkAsPostgreSqlSendsIt() {
        assertThat(Wire.decode(AuthenticationRequest::decode, Wire.hex("00000000"))).isSameAs(AuthenticationOk.INSTANCE);
        assertThat(Wire.framed(AuthenticationOk.INSTANCE.encode(ALLOC), 'R')).containsExactly('R', 0, 0, 0, 8, 0, 0, 0, 0);
    }

    @Test
    void authenticationCleartextPassword() {
        assertThat(AuthenticationRequest.decode(Wire.hex("00000003"))).isSameAs(AuthenticationCleartextPassword.INSTANCE);
        assertThat(Wire.framed(AuthenticationCleartextPassword.INSTANCE.encode(ALLOC), 'R')).containsExactly('R', 0, 0, 0, 8, 0, 0, 0, 3);
    }

    @Test
    void authenticationMd5PasswordCarriesItsSalt() {
        AuthenticationRequest request = Wire.decode(AuthenticationRequest::decode, Wire.hex("00000005 01fe7f80"));
        assertThat(request).isEqualTo(new AuthenticationMD5Password(new byte[] {1, (byte) 0xfe, 0x7f, (byte) 0x80}));
        assertThat(((AuthenticationMD5Password) request).salt()).containsExactly(1, 0xfe, 0x7f, 0x80);
        assertThat(request).hasToString("AuthenticationMD5Password[salt=01fe7f80]");
        assertThat(Wire.framed(((AuthenticationMD5Password) request).encode(ALLOC), 'R'))
                .isEqualTo(HexFormat.of().parseHex("520000000c0000000501fe7f80"));
    }

    @Test
    void md5SaltHasFourBytes() {
        assertThatThrownBy(() -> new AuthenticationMD5Password(new byte[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthenticationRequest.decode(Wire.hex("00000005 0102")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed AuthenticationMD5Password: the body ends before the salt (4 bytes needed, 2 left)");
        Wire.trailingBytesFail(AuthenticationRequest::decode, Wire.hex("00000005 01020304"), "AuthenticationMD5Password");
    }

    @Test
    void authenticationSaslAsPostgreSql15SendsIt() {
        AuthenticationRequest request = Wire.decode(AuthenticationRequest::decode, Wire.hex("0000000a 534352414d2d5348412d323536 00 00"));
        assertThat(request).isEqualTo(new AuthenticationSASL(List.of("SCRAM-SHA-256")));
        Wire.everyTruncationFails(AuthenticationRequest::decode, Wire.hex("0000000a 534352414d2d5348412d323536 00 00"), "Authentication");
    }

    @Test
    void authenticationSaslRoundTripsSeveralMechanisms() {
        AuthenticationSASL sasl = new AuthenticationSASL(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        assertThat(AuthenticationRequest.decode(Wire.body(sasl.encode(ALLOC), 'R'))).isEqualTo(sasl);
    }

    @Test
    void mechanismListWithoutTerminatorFails() {
        assertThatThrownBy(() -> AuthenticationRequest.decode(Wire.hex("0000000a 534352414d2d5348412d323536 00")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed AuthenticationSASL: the body ends before the terminator of the mechanism list (1 bytes needed, 0 left)");
        assertThatThrownBy(() -> AuthenticationRequest.decode(Wire.hex("0000000a 534352414d")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed AuthenticationSASL: the mechanism name has no NUL terminator");
    }

    @Test
    void authenticationSaslContinueAsPostgreSql15SendsIt() {
        String body = "0000000b" + HexFormat.of().formatHex(SERVER_FIRST.getBytes(StandardCharsets.US_ASCII));
        AuthenticationRequest request = Wire.decode(AuthenticationRequest::decode, Wire.hex(body));
        assertThat(request).isEqualTo(new AuthenticationSASLContinue(SERVER_FIRST.getBytes(StandardCharsets.US_ASCII)));
        assertThat(new String(((AuthenticationSASLContinue) request).data(), StandardCharsets.US_ASCII)).isEqualTo(SERVER_FIRST);
        assertThat(Wire.framed(((AuthenticationSASLContinue) request).encode(ALLOC), 'R'))
                .isEqualTo(HexFormat.of().parseHex("52" + "00000058" + body));
    }

    @Test
    void authenticationSaslFinalRoundTrips() {
        AuthenticationSASLFinal last = new AuthenticationSASLFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".getBytes(StandardCharsets.US_ASCII));
        assertThat(AuthenticationRequest.decode(Wire.body(last.encode(ALLOC), 'R'))).isEqualTo(last).isNotEqualTo(new AuthenticationSASLContinue(last.data()));
        assertThat(last).hasToString("AuthenticationSASLFinal[46 bytes]");
    }

    @Test
    void saslDataIsCopied() {
        byte[] data = {1, 2};
        AuthenticationSASLContinue message = new AuthenticationSASLContinue(data);
        data[0] = 9;
        message.data()[1] = 9;
        assertThat(message.data()).containsExactly(1, 2);
    }

    @Test
    void methodsThePoolerDoesNotSpeakAreUnsupported() {
        assertThat(AuthenticationRequest.decode(Wire.hex("00000007"))).isEqualTo(new AuthenticationRequest.Unsupported(7));
        assertThat(((AuthenticationRequest.Unsupported) AuthenticationRequest.decode(Wire.hex("00000008 6081"))).method()).isEqualTo("AuthenticationGSSContinue");
        assertThat(new AuthenticationRequest.Unsupported(42).method()).isEqualTo("unknown authentication request 42");
    }

    @Test
    void truncatedCodeOrTrailingBytesFail() {
        Wire.everyTruncationFails(AuthenticationRequest::decode, Wire.hex("00000000"), "AuthenticationRequest");
        Wire.trailingBytesFail(AuthenticationRequest::decode, Wire.hex("00000000"), "AuthenticationOk");
        Wire.trailingBytesFail(AuthenticationRequest::decode, Wire.hex("00000003"), "AuthenticationCleartextPassword");
    }
}
