package io.coord.server.config;

/**
 * HTTPS on the AdminServer, with ZooKeeper 3.9's keys: the certificate and the trusted client
 * certificates are the quorum TLS stores ({@code ssl.quorum.keyStore.*}, {@code ssl.quorum.trustStore.*},
 * with ssl.quorum.enabledProtocols/protocol/ciphersuites), whether or not sslQuorum is on.
 *
 * @param forceHttps      admin.forceHttps: HTTPS only; a plaintext request is closed
 * @param portUnification admin.portUnification: HTTP and HTTPS on the same admin port
 * @param needClientAuth  admin.needClientAuth: an HTTPS client must present a trusted certificate
 * @param keys            the quorum TLS stores; null when neither HTTPS switch is on
 */
public record AdminHttps(boolean forceHttps, boolean portUnification, boolean needClientAuth, TlsConfig keys) {
    /** Plain HTTP only (ZooKeeper's default). */
    public static final AdminHttps OFF = new AdminHttps(false, false, false, null);

    public AdminHttps {
        if (needClientAuth && !forceHttps && !portUnification) {
            // Fail closed: a client-certificate demand on a port that takes no TLS would protect nothing.
            throw new ConfigException("admin.needClientAuth", "is true but neither admin.forceHttps nor"
                    + " admin.portUnification is: the AdminServer would serve plain HTTP without any certificate");
        }
        if ((forceHttps || portUnification) && keys == null) {
            throw new ConfigException("ssl.quorum.keyStore.location", "is required when admin.forceHttps or"
                    + " admin.portUnification is true (the AdminServer's HTTPS uses the quorum TLS keys)");
        }
    }

    /** True when the admin port takes TLS clients. */
    public boolean enabled() {
        return forceHttps || portUnification;
    }
}
