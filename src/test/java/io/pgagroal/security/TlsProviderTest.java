package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsProviderTest {

    @Test
    void boringSslLoadsOnLinuxX8664() {
        assertThat(TlsProvider.provider()).isEqualTo(SslProvider.OPENSSL);
        assertThat(TlsProvider.describe()).startsWith("OpenSSL (BoringSSL");
    }
}
