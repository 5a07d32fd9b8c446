package io.pgagroal.security;

import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.security.PrivateKey;
import java.util.Optional;

/**
 * Reads a PEM private key the way Netty's SslContext will (PKCS#8, PKCS#1 RSA, EC), so the key checked
 * at load is the key the handshakes use. Netty offers the reader only to its SslContext subclasses,
 * hence this uninstantiable one.
 */
abstract class PrivateKeys extends SslContext {

    private PrivateKeys() {
    }

    /** The key in {@code file}, or empty when the file holds no unencrypted PEM key. */
    static Optional<PrivateKey> read(File file) {
        try {
            return Optional.ofNullable(toPrivateKey(file, null));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
