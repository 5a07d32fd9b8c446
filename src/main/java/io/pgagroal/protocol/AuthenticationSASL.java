package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** AuthenticationSASL: the frontend must now initiate a SASL negotiation, using one of the mechanisms listed. */
public record AuthenticationSASL(List<String> mechanisms) implements AuthenticationRequest {

    /** The mechanism PostgreSQL offers (without channel binding) and the pooler speaks. */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

    public AuthenticationSASL {
        mechanisms = List.copyOf(mechanisms);
    }

    static AuthenticationSASL decode(BodyReader afterCode) {
        List<String> mechanisms = new ArrayList<>(1);
        while (!afterCode.endOfList("mechanism list")) {
            mechanisms.add(afterCode.cString("mechanism name"));
        }
        afterCode.end();
        return new AuthenticationSASL(mechanisms);
    }

    /** Whether a mechanism with channel binding (SCRAM-SHA-256-PLUS, which PostgreSQL offers over TLS) is listed. */
    public boolean offersChannelBinding() {
        return mechanisms.stream().anyMatch(mechanism -> mechanism.endsWith("-PLUS"));
    }

    /** The same list without the mechanisms that bind to the TLS channel. */
    public AuthenticationSASL withoutChannelBinding() {
        return new AuthenticationSASL(mechanisms.stream().filter(mechanism -> !mechanism.endsWith("-PLUS")).toList());
    }

    /** The whole message: type byte, length and body (the names, then the empty string that ends the list). */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = Messages.message(alloc, Protocol.AUTHENTICATION, 5 + 16 * mechanisms.size()).writeInt(Protocol.AUTH_SASL);
        mechanisms.forEach(mechanism -> Messages.writeCString(buf, mechanism));
        return Messages.framed(buf.writeByte(0));
    }
}
