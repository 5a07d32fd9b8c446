package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;

/**
 * An authentication request ('R'): the backend's side of the authentication exchange, told apart by
 * the Int32 that starts the body. Methods the pooler does not speak decode as {@link Unsupported}.
 */
public sealed interface AuthenticationRequest permits AuthenticationOk, AuthenticationCleartextPassword,
        AuthenticationMD5Password, AuthenticationSASL, AuthenticationSASLContinue, AuthenticationSASLFinal,
        AuthenticationRequest.Unsupported {

    /**
     * Decodes a body (after type byte and length); the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the body does not have the length or content its code requires
     */
    static AuthenticationRequest decode(ByteBuf body) {
        int code = new BodyReader("AuthenticationRequest", body).int32("authentication code");
        return switch (code) {
            case Protocol.AUTH_OK -> AuthenticationOk.decode(afterCode("AuthenticationOk", body));
            case Protocol.AUTH_CLEARTEXT_PASSWORD -> AuthenticationCleartextPassword.decode(afterCode("AuthenticationCleartextPassword", body));
            case Protocol.AUTH_MD5_PASSWORD -> AuthenticationMD5Password.decode(afterCode("AuthenticationMD5Password", body));
            case Protocol.AUTH_SASL -> AuthenticationSASL.decode(afterCode("AuthenticationSASL", body));
            case Protocol.AUTH_SASL_CONTINUE -> new AuthenticationSASLContinue(afterCode("AuthenticationSASLContinue", body).rest());
            case Protocol.AUTH_SASL_FINAL -> new AuthenticationSASLFinal(afterCode("AuthenticationSASLFinal", body).rest());
            default -> new Unsupported(code);
        };
    }

    private static BodyReader afterCode(String messageType, ByteBuf body) {
        BodyReader reader = new BodyReader(messageType, body);
        reader.int32("authentication code");
        return reader;
    }

    /** A request for a method the pooler does not speak: Kerberos V5, SCM credentials, GSSAPI, SSPI or an unknown code. */
    record Unsupported(int code) implements AuthenticationRequest {

        /** The request's name in the protocol documentation, for the error that refuses it. */
        public String method() {
            return switch (code) {
                case 2 -> "AuthenticationKerberosV5";
                case 6 -> "AuthenticationSCMCredential";
                case 7 -> "AuthenticationGSS";
                case 8 -> "AuthenticationGSSContinue";
                case 9 -> "AuthenticationSSPI";
                default -> "unknown authentication request " + code;
            };
        }
    }
}
