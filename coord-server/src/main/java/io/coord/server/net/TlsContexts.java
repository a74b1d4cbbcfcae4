package io.coord.server.net;

import io.coord.server.config.ConfigException;
import io.coord.server.config.TlsConfig;
import io.coord.tls.KeyStores;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds server TLS contexts from a {@link TlsConfig}'s stores (JDK provider), for the ports that
 * share the quorum keys: member links (sslQuorum) and the AdminServer's HTTPS. A store that cannot be
 * used stops start-up naming its key.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** The key and trust managers of {@code config}'s stores; no trust store: the JDK's trusted CAs. */
    public record Managers(KeyManagerFactory keys, TrustManagerFactory trust) {
    }

    public static Managers managers(TlsConfig config) {
        TlsConfig.Store ks = config.keyStore();
        TlsConfig.Store ts = config.trustStore();
        KeyManagerFactory kmf;
        TrustManagerFactory tmf;
        try {
            kmf = KeyStores.keyManagers(ks.location(), ks.password(), ks.type());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(ks.keyPrefix() + ".location", "cannot be used: " + e.getMessage());
        }
        String trustKey = ks.keyPrefix().replace("keyStore", "trustStore") + ".location";
        try {
            if (ts != null) {
                tmf = KeyStores.trustManagers(ts.location(), ts.password(), ts.type());
            } else {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(trustKey, "cannot be used: " + e.getMessage());
        }
        return new Managers(kmf, tmf);
    }

    /** A server context builder: {@code managers}, {@code clientAuth}, and the config's protocols and ciphers. */
    public static SslContextBuilder server(TlsConfig config, Managers managers, ClientAuth clientAuth) {
        SslContextBuilder b = SslContextBuilder.forServer(managers.keys()).trustManager(managers.trust())
                .sslProvider(SslProvider.JDK).clientAuth(clientAuth).protocols(config.enabledProtocols());
        if (!config.cipherSuites().isEmpty()) {
            b.ciphers(config.cipherSuites());
        }
        return b;
    }
}
