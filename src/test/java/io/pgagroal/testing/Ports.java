package io.pgagroal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback address, for servers the tests start. */
public final class Ports {

    private Ports() {
    }

    /**
     * A port nothing listens on right now. Another process may take it before the caller binds
     * it, so servers started on it should retry with a new port when the bind fails.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on the loopback address", e);
        }
    }
}
