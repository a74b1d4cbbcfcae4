package io.coord.server.net;

import io.coord.server.config.ConfigException;
import io.coord.server.config.TlsConfig;
import io.coord.tls.KeyStores;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port's TLS context, built from the key and trust stores (JDK provider). With
 * client.certReload on, each new TLS connection first compares the stores' modification times and
 * sizes with those it was built from and, when one changed, builds a new context: new connections
 * get the new certificates, open ones keep theirs. A store that no longer loads is logged (once per
 * change) and the last good context stays in use.
 */
final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private final TlsConfig config;
    private Context context;
    private final StoreStamps stamps;

    /** Builds the first context; a store that does not load stops start-up, naming its key. */
    ServerTls(TlsConfig config) {
        this.config = config;
        stamps = new StoreStamps(config);
        try {
            context = build(config);
        } catch (StoreException e) {
            throw new ConfigException(e.key, "cannot be used: " + e.getMessage());
        }
        LOG.info("TLS on the client port: key store {}, trust store {}, client auth {}, protocols {}",
                config.keyStore(), config.trustStore() == null ? "the JDK's default" : config.trustStore(),
                config.clientAuth(), config.enabledProtocols());
    }

    /**
     * The TLS context and the trust manager it was built with: the JDK accepts an untrusted client
     * certificate when one is only wanted (clientAuth=want), so a certificate's identity is granted
     * only after this trust manager accepts its chain, as ZooKeeper's x509 provider does.
     */
    record Context(SslContext ssl, X509TrustManager trust) {
    }

    /** The context for a new connection, rebuilt first if a store file changed. */
    synchronized Context current() {
        if (!config.certReloadEnabled()) {
            return context;
        }
        if (!stamps.changed()) {
            return context;
        }
        try {
            context = build(config);
            LOG.info("TLS key/trust store changed on disk: new connections use the reloaded certificates");
        } catch (StoreException e) {
            LOG.error("TLS store changed on disk but {} cannot be used ({}); keeping the previous certificates",
                    e.key, e.getMessage());
        }
        return context;
    }

    private static Context build(TlsConfig config) throws StoreException {
        TlsConfig.Store ks = config.keyStore();
        SslContextBuilder b;
        try {
            b = SslContextBuilder.forServer(KeyStores.keyManagers(ks.location(), ks.password(), ks.type()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new StoreException(key(ks), e);
        }
        TlsConfig.Store ts = config.trustStore();
        TrustManagerFactory tmf;
        try {
            tmf = TlsContexts.trust(config);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new StoreException(ts == null ? "ssl.trustStore.location" : key(ts), e);
        }
        b.trustManager(tmf);
        b.sslProvider(SslProvider.JDK)
                .clientAuth(switch (config.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case WANT -> ClientAuth.OPTIONAL;
                    case NEED -> ClientAuth.REQUIRE;
                })
                .protocols(config.enabledProtocols());
        if (!config.cipherSuites().isEmpty()) {
            b.ciphers(config.cipherSuites());
        }
        try {
            return new Context(b.build(), x509(tmf));
        } catch (SSLException | RuntimeException e) {
            throw new StoreException("ssl.enabledProtocols/ssl.ciphersuites", e);
        }
    }

    private static X509TrustManager x509(TrustManagerFactory tmf) {
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager from " + tmf.getAlgorithm());
    }

    private static String key(TlsConfig.Store store) {
        return store.keyPrefix() + ".location";
    }

    /** A store (or the protocol choice) that cannot be used; {@code key} names the config key. */
    private static final class StoreException extends Exception {
        private static final long serialVersionUID = 1L;
        final String key;

        StoreException(String key, Throwable cause) {
            super(describe(cause), cause);
            this.key = key;
        }

        private static String describe(Throwable t) {
            String m = t.getMessage();
            Throwable c = t.getCause();
            return (m == null ? t.getClass().getSimpleName() : m)
                    + (c != null && c.getMessage() != null && !c.getMessage().equals(m) ? " (" + c.getMessage() + ")" : "");
        }
    }

}
