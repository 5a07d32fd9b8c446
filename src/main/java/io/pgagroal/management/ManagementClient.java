package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The client side of the local management socket: one request frame out, one answer frame in. */
final class ManagementClient {

    private ManagementClient() {
    }

    /** Sends {@code request} with the codes its Header names and returns the answer. */
    static ObjectNode exchange(Path socket, ObjectNode request) throws IOException, ManagementException {
        int compression = request.path("Header").path("Compression").asInt();
        int encryption = request.path("Header").path("Encryption").asInt();
        byte[] payload = FrameBody.fromJson(compression, encryption, Documents.compact(request));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            new Frame(compression, encryption, payload).write(Channels.newOutputStream(channel));
            Frame answer = Frame.read(Channels.newInputStream(channel));
            return Documents.parse(FrameBody.toJson(answer.compression(), answer.encryption(), answer.payload()));
        }
    }
}
