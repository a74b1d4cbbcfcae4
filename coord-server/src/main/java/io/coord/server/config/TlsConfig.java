package io.coord.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * TLS on the client port, from ZooKeeper's keys: {@code secureClientPort}(+{@code Address}) and
 * {@code ssl.*} (see {@link TlsKeys}). {@link #OFF} when neither a secure port nor port unification
 * is asked for.
 *
 * @param secureAddress        where TLS clients connect (secureClientPort), or null for none
 * @param portUnification      client.portUnification: the plaintext port also accepts TLS clients
 * @param keyStore             the server's key and certificate chain (ssl.keyStore.*)
 * @param trustStore           what client certificates must chain to (ssl.trustStore.*); null: the JDK's default
 * @param clientAuth           ssl.clientAuth: NONE, WANT or NEED
 * @param enabledProtocols     TLS versions offered (ssl.enabledProtocols, else ssl.protocol)
 * @param cipherSuites         ssl.ciphersuites; empty: the JDK's defaults
 * @param hostnameVerification ssl.hostnameVerification; ZooKeeper does not verify client host names on
 *                             the client port, so on the server it changes nothing (kept for the record)
 * @param certReloadEnabled    client.certReload (sslQuorumReloadCertFiles for member links): new
 *                             connections use the stores' current files
 * @param crl                  ssl.crl / ssl.quorum.crl: peer certificates are checked for revocation
 *                             against CRLs (PKIX; the CRLs come from the certificates' distribution
 *                             points when the JVM runs with -Dcom.sun.security.enableCRLDP=true, as in ZooKeeper)
 * @param ocsp                 ssl.ocsp / ssl.quorum.ocsp: peer certificates are checked for revocation by OCSP
 * @param dialTls              member links only: this member dials other members over TLS (sslQuorum);
 *                             false with portUnification for the first step of a rolling upgrade to TLS
 */
public record TlsConfig(
        InetSocketAddress secureAddress,
        boolean portUnification,
        Store keyStore,
        Store trustStore,
        ClientAuth clientAuth,
        List<String> enabledProtocols,
        List<String> cipherSuites,
        boolean hostnameVerification,
        boolean certReloadEnabled,
        boolean crl,
        boolean ocsp,
        boolean dialTls) {

    /** Without revocation checks, dialing over TLS (member links). */
    public TlsConfig(InetSocketAddress secureAddress, boolean portUnification, Store keyStore, Store trustStore,
                     ClientAuth clientAuth, List<String> enabledProtocols, List<String> cipherSuites,
                     boolean hostnameVerification, boolean certReloadEnabled) {
        this(secureAddress, portUnification, keyStore, trustStore, clientAuth, enabledProtocols, cipherSuites,
                hostnameVerification, certReloadEnabled, false, false, true);
    }

    /** No TLS anywhere. */
    public static final TlsConfig OFF = new TlsConfig(null, false, null, null, ClientAuth.NEED, List.of(), List.of(),
            true, true);

    /** ssl.clientAuth; ZooKeeper's default is NEED. */
    public enum ClientAuth { NONE, WANT, NEED }

    /**
     * One key or trust store.
     *
     * @param keyPrefix {@code ssl.keyStore} or {@code ssl.trustStore}, to name the key in errors
     * @param type      JKS, PKCS12 or PEM (given, or inferred from the extension)
     */
    public record Store(String keyPrefix, Path location, char[] password, String type) {
        public Store {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(location, "location");
            password = password == null ? new char[0] : password.clone();
            Objects.requireNonNull(type, "type");
        }

        @Override
        public char[] password() {
            return password.clone();
        }

        @Override
        public String toString() {
            return keyPrefix + " " + location + " (" + type + ")";
        }
    }

    public TlsConfig {
        enabledProtocols = List.copyOf(enabledProtocols);
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(clientAuth, "clientAuth");
        if ((secureAddress != null || portUnification) && keyStore == null) {
            // Fail closed: a TLS port without a key would have nothing to offer.
            throw new ConfigException("ssl.keyStore.location", "is required when secureClientPort or"
                    + " client.portUnification is set");
        }
        if ((crl || ocsp) && trustStore == null) {
            // Fail closed: revocation is checked on the chains a trust store anchors (as ZooKeeper does);
            // without one, ssl.crl/ssl.ocsp would silently check nothing.
            throw new ConfigException(keyStore == null ? "ssl.crl" : keyStore.keyPrefix().replace("keyStore",
                    crl ? "crl" : "ocsp"), "needs a trust store (" + (keyStore == null ? "ssl.trustStore"
                    : keyStore.keyPrefix().replace("keyStore", "trustStore")) + ".location): revocation is checked"
                    + " on the chains it anchors");
        }
    }

    /** True when some port speaks TLS. */
    public boolean enabled() {
        return secureAddress != null || portUnification;
    }
}
