package io.pgagroal.management;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.pgagroal.protocol.AuthenticationOk;
import io.pgagroal.protocol.AuthenticationRequest;
import io.pgagroal.protocol.AuthenticationSASL;
import io.pgagroal.protocol.AuthenticationSASLContinue;
import io.pgagroal.protocol.AuthenticationSASLFinal;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.ProtocolException;
import io.pgagroal.security.ManagementClientTls;
import io.pgagroal.security.ScramClient;
import io.pgagroal.security.ScramException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client side of a remote-management login (spec §8.4), as pgagroal-cli and pgagroal-vault do it
 * on a blocking socket: StartupMessage (user, database {@code admin}, application_name
 * {@code pgagroal}), then SCRAM-SHA-256 with the admin's password, the server's signature checked,
 * then AuthenticationOk. The SSLRequest, when there is one, was sent before ({@link ManagementClient}).
 */
final class RemoteLoginClient {

    /** Authentication messages are small; a longer one is no pgagroal speaking. */
    private static final int MAX_MESSAGE = 64 * 1024;

    /** The server refused the login (wrong password, not an admin, no HBA entry...): its ErrorResponse's message. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private RemoteLoginClient() {
    }

    /**
     * Sends an SSLRequest on {@code plain} and returns the TLS socket to log in on. A client that asked
     * for TLS never goes on in clear: after 'N' it stops (upstream's goes on in clear, which would send
     * the management frames readable by anyone on the way).
     */
    static Socket startTls(Socket plain, ManagementClientTls tls, String host, int port) throws IOException {
        send(plain.getOutputStream(), Messages.sslRequest(ByteBufAllocator.DEFAULT));
        int answer = plain.getInputStream().read();
        return switch (answer) {
            case 'S' -> tls.handshake(plain, host, port);
            case 'N' -> throw new IOException("the pooler declined TLS on its management port (tls = off there), and this client has a"
                    + " certificate (.pgagroal/pgagroal.key and pgagroal.crt), so it does not go on in clear; remove them to connect without TLS");
            case -1 -> throw new IOException("the server closed the connection after SSLRequest");
            default -> throw new IOException("unexpected answer '" + (char) answer + "' to SSLRequest");
        };
    }

    static void login(InputStream input, OutputStream output, String user, String password) throws IOException {
        DataInputStream in = new DataInputStream(input);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", "admin");
        parameters.put("application_name", "pgagroal");
        send(output, Messages.startupMessage(ByteBufAllocator.DEFAULT, parameters));
        if (!(read(in) instanceof AuthenticationSASL sasl) || !sasl.mechanisms().contains(AuthenticationSASL.SCRAM_SHA_256)) {
            throw new IOException("the server did not ask for SCRAM-SHA-256");
        }
        ScramClient scram = ScramClient.withPassword(password);
        send(output, Messages.saslInitialResponse(ByteBufAllocator.DEFAULT, AuthenticationSASL.SCRAM_SHA_256, scram.clientFirst()));
        try {
            if (!(read(in) instanceof AuthenticationSASLContinue serverFirst)) {
                throw new IOException("expected AuthenticationSASLContinue");
            }
            send(output, Messages.saslResponse(ByteBufAllocator.DEFAULT,
                    scram.clientFinal(new String(serverFirst.data(), StandardCharsets.UTF_8))));
            if (!(read(in) instanceof AuthenticationSASLFinal serverFinal)) {
                throw new IOException("expected AuthenticationSASLFinal");
            }
            scram.verifyServerFinal(new String(serverFinal.data(), StandardCharsets.UTF_8));
        } catch (ScramException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(read(in) instanceof AuthenticationOk)) {
            throw new IOException("expected AuthenticationOk");
        }
    }

    private static void send(OutputStream output, ByteBuf message) throws IOException {
        try {
            output.write(ByteBufUtil.getBytes(message));
            output.flush();
        } finally {
            message.release();
        }
    }

    /** The next authentication request; an ErrorResponse is thrown as {@link Refused}. */
    private static AuthenticationRequest read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 4 || length > MAX_MESSAGE) {
            throw new IOException("invalid message length " + length + " from the server");
        }
        byte[] body = in.readNBytes(length - 4);
        if (body.length != length - 4) {
            throw new IOException("the server closed the connection in the middle of a message");
        }
        try {
            return switch (type) {
                case Protocol.AUTHENTICATION -> AuthenticationRequest.decode(Unpooled.wrappedBuffer(body));
                case Protocol.ERROR_RESPONSE -> throw new Refused(ErrorResponse.decode(Unpooled.wrappedBuffer(body)).message());
                default -> throw new IOException("unexpected message type '" + (char) type + "' from the server");
            };
        } catch (ProtocolException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
