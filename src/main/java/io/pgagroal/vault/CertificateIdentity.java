package io.pgagroal.vault;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The identity of a client certificate that tls_cert_auth_mode = verify-full compares with the
 * requested user (spec §1.4): the first subject alternative name of type DNS, then e-mail, then URI;
 * the subject's CN only when no alternative name gives one.
 */
final class CertificateIdentity {

    /** GeneralName tags of RFC 5280 §4.2.1.6, in the order they are tried. */
    private static final int[] TYPES = {2, 1, 6};

    private CertificateIdentity() {
    }

    /** The identity of the certificate the client presented; empty without TLS, certificate or identity. */
    static Optional<String> of(Channel channel) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null) {
            return Optional.empty();
        }
        try {
            Certificate[] peer = handler.engine().getSession().getPeerCertificates();
            return peer.length > 0 && peer[0] instanceof X509Certificate certificate ? of(certificate) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    static Optional<String> of(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (int type : TYPES) {
                    for (List<?> name : names) {
                        if (name.get(0) instanceof Integer tag && tag == type && name.get(1) instanceof String value && !value.isEmpty()) {
                            return Optional.of(value);
                        }
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable alternative name: the CN below
        }
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdns.get(i).getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // no CN either
        }
        return Optional.empty();
    }
}
