package io.coord.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;

/** What the TLS layer of a client connection says about its peer, and how its failures read. */
final class TlsPeer {
    /** The trust manager of the TLS context a connection was given (set when its TLS handler is). */
    static final AttributeKey<X509TrustManager> TRUST = AttributeKey.valueOf("coord.tls.trust");

    private TlsPeer() {
    }

    /**
     * The RFC 2253 subject of the client's certificate (as ZooKeeper's X509AuthenticationProvider
     * takes it: {@code getSubjectX500Principal().getName()}), or null without TLS or certificate.
     * Called on the event loop when the handshake packet arrives: application data is only
     * decrypted after the TLS handshake, so the peer's certificate is known by then.
     */
    static String certificateSubject(ChannelHandlerContext ctx) throws UntrustedPeerException {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = tls.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null; // clientAuth want/none and no certificate: no x509 identity
        }
        X509Certificate[] x509 = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof X509Certificate c)) {
                throw new UntrustedPeerException("the client certificate is not X.509");
            }
            x509[i] = c;
        }
        if (x509.length == 0) {
            return null;
        }
        // With clientAuth=want the JDK completes the handshake even when it cannot trust the
        // certificate; ZooKeeper's x509 provider checks the chain again and refuses, and so do we.
        try {
            ctx.channel().attr(TRUST).get().checkClientTrusted(x509, x509[0].getPublicKey().getAlgorithm());
        } catch (CertificateException | RuntimeException e) {
            throw new UntrustedPeerException("the client certificate " + x509[0].getSubjectX500Principal().getName()
                    + " is not trusted (" + e.getMessage() + ")");
        }
        return x509[0].getSubjectX500Principal().getName();
    }

    /** A client certificate the trust store does not vouch for: the connection is closed. */
    static final class UntrustedPeerException extends Exception {
        private static final long serialVersionUID = 1L;

        UntrustedPeerException(String message) {
            super(message, null, false, false);
        }
    }

    static boolean isTlsFailure(Throwable cause) {
        return cause instanceof SSLException
                || cause instanceof DecoderException && cause.getCause() instanceof SSLException;
    }

    static String describe(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
