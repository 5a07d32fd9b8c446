package io.pgagroal.security;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS engine SslHandler runs on: BoringSSL (netty-tcnative) where its native library loads,
 * which handshakes faster and copies less than the JDK's engine; the JDK's otherwise. Chosen once,
 * the same for every TLS leg; {@link #describe()} is what the log says at start.
 */
public final class TlsProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TlsProvider.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private TlsProvider() {
    }

    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The engine in use, e.g. "OpenSSL (BoringSSL)" or "JDK (native OpenSSL unavailable: ...)". */
    public static String describe() {
        if (OpenSsl.isAvailable()) {
            return "OpenSSL (" + OpenSsl.versionString() + ")";
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return "JDK (native OpenSSL unavailable: " + (cause == null ? "unknown" : cause.getMessage()) + ")";
    }

    /** Logs the engine, the first time TLS is configured on either leg. */
    public static void logChoice() {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info("TLS engine: {}", describe());
        }
    }
}
