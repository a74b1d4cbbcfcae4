package io.coord.client;

import io.coord.tls.KeyStores;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * TLS to a server's secureClientPort, with the settings ZooKeeper's client takes
 * ({@code zookeeper.ssl.*}): a trust store for the server's certificate (else the JDK's default
 * trust), an optional key store for a client certificate (the server's {@code x509} identity),
 * the protocols, and hostname verification (on by default, as in ZooKeeper). Stores are JKS,
 * PKCS12 or PEM, the type inferred from the extension when not given. Immutable; the stores are
 * read when a {@link CoordClient} is created.
 */
public final class ClientTls {
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final String keyStoreType;
    private final List<String> protocols;
    private final boolean hostnameVerification;

    private ClientTls(Builder b) {
        trustStore = b.trustStore;
        trustStorePassword = b.trustStorePassword;
        trustStoreType = b.trustStoreType;
        keyStore = b.keyStore;
        keyStorePassword = b.keyStorePassword;
        keyStoreType = b.keyStoreType;
        protocols = b.protocols;
        hostnameVerification = b.hostnameVerification;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** Reads the stores; throws IllegalArgumentException naming the store that cannot be used. */
    SslContext buildContext() {
        // Netty 4.2 verifies the host name by default; this says so either way.
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
        if (trustStore != null) {
            try {
                b.trustManager(KeyStores.trustManagers(trustStore, trustStorePassword, trustStoreType));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("TLS trust store " + trustStore + " cannot be used: " + e, e);
            }
        }
        if (keyStore != null) {
            try {
                b.keyManager(KeyStores.keyManagers(keyStore, keyStorePassword, keyStoreType));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("TLS key store " + keyStore + " cannot be used: " + e, e);
            }
        }
        if (!protocols.isEmpty()) {
            b.protocols(protocols);
        }
        try {
            return b.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("TLS settings cannot be used: " + e, e);
        }
    }

    /** A handler for one connection to {@code host} (its name goes into SNI and the host name check). */
    SslHandler newHandler(SslContext context, ByteBufAllocator alloc, InetSocketAddress host) {
        return context.newHandler(alloc, host.getHostString(), host.getPort());
    }

    public static final class Builder {
        private Path trustStore;
        private char[] trustStorePassword = new char[0];
        private String trustStoreType;
        private Path keyStore;
        private char[] keyStorePassword = new char[0];
        private String keyStoreType;
        private List<String> protocols = List.of();
        private boolean hostnameVerification = true;

        private Builder() {
        }

        /** Certificates the server's must chain to; {@code type} null infers it from the extension. */
        public Builder trustStore(Path location, String password, String type) {
            trustStore = Objects.requireNonNull(location, "location");
            trustStorePassword = password == null ? new char[0] : password.toCharArray();
            trustStoreType = type;
            return this;
        }

        /** This client's key and certificate, for servers that want or need one (x509 identity). */
        public Builder keyStore(Path location, String password, String type) {
            keyStore = Objects.requireNonNull(location, "location");
            keyStorePassword = password == null ? new char[0] : password.toCharArray();
            keyStoreType = type;
            return this;
        }

        /** TLS versions offered, e.g. "TLSv1.3"; none given: the JDK's defaults. */
        public Builder protocols(String... names) {
            protocols = List.copyOf(Arrays.asList(names));
            return this;
        }

        /** Check that the server's certificate names the host connected to (default true). */
        public Builder hostnameVerification(boolean v) {
            hostnameVerification = v;
            return this;
        }

        public ClientTls build() {
            return new ClientTls(this);
        }
    }
}
