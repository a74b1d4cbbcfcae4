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
import java.security.Security;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
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
            tmf = trust(config);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(trustKey, "cannot be used: " + e.getMessage());
        }
        return new Managers(kmf, tmf);
    }

    /**
     * The trust managers of {@code config}'s trust store (none: the JDK's trusted CAs). With ssl.crl or
     * ssl.ocsp, chains are validated by PKIX with a revocation checker, as ZooKeeper does: CRLs only
     * (preferred, no OCSP fallback) for crl alone, OCSP first with CRLs as fallback when ocsp is on;
     * the JDK's com.sun.security.onlyCheckRevocationOfEECert security property limits the check to
     * the peer's own certificate. A certificate whose status cannot be found is refused (fail closed).
     */
    public static TrustManagerFactory trust(TlsConfig config) throws IOException, GeneralSecurityException {
        TlsConfig.Store ts = config.trustStore();
        TrustManagerFactory tmf;
        if (ts == null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null); // the JDK's trusted CAs, as ZooKeeper without a trust store
            return tmf;
        }
        if (!config.crl() && !config.ocsp()) {
            return KeyStores.trustManagers(ts.location(), ts.password(), ts.type());
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(
                KeyStores.load(ts.location(), ts.password(), ts.type()), new X509CertSelector());
        Set<PKIXRevocationChecker.Option> options = EnumSet.noneOf(PKIXRevocationChecker.Option.class);
        if (!config.ocsp()) {
            options.add(PKIXRevocationChecker.Option.PREFER_CRLS);
            options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
        }
        if (Boolean.parseBoolean(Security.getProperty("com.sun.security.onlyCheckRevocationOfEECert"))) {
            options.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
        }
        PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX")
                .getRevocationChecker();
        checker.setOptions(options);
        params.addCertPathChecker(checker);
        params.setRevocationEnabled(true);
        tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        return tmf;
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
