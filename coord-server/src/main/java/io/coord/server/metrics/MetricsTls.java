package io.coord.server.metrics;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.coord.server.config.ConfigException;
import io.coord.server.config.TlsConfig;
import io.coord.server.net.TlsContexts;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The TLS side of Prometheus over HTTPS (metricsProvider.httpsPort): the JDK's HTTPS server with
 * the metricsProvider.ssl.* stores, protocols and cipher suites, and client certificates required
 * (need.client.auth), asked for (want.client.auth) or not. Everything is checked when the
 * configurator is built, so a protocol or cipher the JDK does not have stops start-up naming its
 * key instead of failing every handshake later.
 */
final class MetricsTls {
    private static final String PREFIX = "metricsProvider.ssl.";

    private MetricsTls() {
    }

    static HttpsConfigurator configurator(TlsConfig tls) {
        TlsContexts.Managers managers = TlsContexts.managers(tls);
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(managers.keys().getKeyManagers(), managers.trust().getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(PREFIX + "keyStore.location", "cannot be used for HTTPS: " + e.getMessage());
        }
        SSLParameters supported = context.getSupportedSSLParameters();
        requireSupported(tls.enabledProtocols(), supported.getProtocols(), PREFIX + "enabledProtocols");
        requireSupported(tls.cipherSuites(), supported.getCipherSuites(), PREFIX + "ciphersuites");
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(tls.enabledProtocols().toArray(String[]::new));
                if (!tls.cipherSuites().isEmpty()) {
                    p.setCipherSuites(tls.cipherSuites().toArray(String[]::new));
                }
                switch (tls.clientAuth()) {
                    case NEED -> p.setNeedClientAuth(true);
                    case WANT -> p.setWantClientAuth(true);
                    case NONE -> p.setNeedClientAuth(false);
                    default -> throw new IllegalStateException(tls.clientAuth().name());
                }
                params.setSSLParameters(p);
            }
        };
    }

    private static void requireSupported(List<String> wanted, String[] supported, String key) {
        List<String> known = Arrays.asList(supported);
        for (String w : wanted) {
            if (!known.contains(w)) {
                throw new ConfigException(key, "'" + w + "' is not supported by this JVM");
            }
        }
    }
}
