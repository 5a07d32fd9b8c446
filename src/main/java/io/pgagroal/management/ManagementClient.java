package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgagroal.security.ManagementClientTls;
import io.pgagroal.security.MasterKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The client side of management: one request frame out, one answer frame in, on the local socket or,
 * after the SCRAM login of {@link RemoteLoginClient}, on a pooler's remote management port (inside
 * TLS when {@link ManagementClientTls} finds the admin's certificate and key).
 */
final class ManagementClient {

    /** How long a remote pooler may take to accept, and then to answer each read. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A remote management port and the admin to log in as. */
    record Remote(String host, int port, String user, String password) {
    }

    private ManagementClient() {
    }

    /** Sends {@code request} with the codes its Header names and returns the answer. */
    static ObjectNode exchange(Path socket, ObjectNode request) throws IOException, ManagementException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return exchange(Channels.newInputStream(channel), Channels.newOutputStream(channel), request);
        }
    }

    /**
     * Logs in to {@code remote} and sends {@code request}.
     *
     * @throws RemoteLoginClient.Refused when the pooler refused the login (its message says why)
     */
    static ObjectNode exchange(Remote remote, ObjectNode request) throws IOException, ManagementException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(remote.host(), remote.port()), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            plain.setTcpNoDelay(true);
            Optional<ManagementClientTls> tls = ManagementClientTls.of(MasterKey.defaultHome());
            try (Socket socket = tls.isPresent() ? RemoteLoginClient.startTls(plain, tls.get(), remote.host(), remote.port()) : plain) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                RemoteLoginClient.login(in, out, remote.user(), remote.password());
                return exchange(in, out, request);
            }
        }
    }

    private static ObjectNode exchange(InputStream in, OutputStream out, ObjectNode request) throws IOException, ManagementException {
        int compression = request.path("Header").path("Compression").asInt();
        int encryption = request.path("Header").path("Encryption").asInt();
        byte[] payload = FrameBody.fromJson(compression, encryption, Documents.compact(request));
        new Frame(compression, encryption, payload).write(out);
        Frame answer = Frame.read(in);
        return Documents.parse(FrameBody.toJson(answer.compression(), answer.encryption(), answer.payload()));
    }
}
