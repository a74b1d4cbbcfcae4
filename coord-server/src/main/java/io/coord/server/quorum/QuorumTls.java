package io.coord.server.quorum;

import io.coord.server.config.ConfigException;
import io.coord.server.config.TlsConfig;
import io.coord.server.net.TlsContexts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;

/**
 * TLS on member links (sslQuorum): one member's key store serves both ends of its links — as the
 * server side of links it accepts and as the client certificate of links it dials — and its trust
 * store decides which members it accepts. The dialing member checks the other's certificate against
 * the host of that member's server.N line when ssl.quorum.hostnameVerification is on (the default).
 */
final class QuorumTls {
    private final SslContext acceptContext;
    private final SslContext dialContext;

    private QuorumTls(SslContext acceptContext, SslContext dialContext) {
        this.acceptContext = acceptContext;
        this.dialContext = dialContext;
    }

    /** Null for {@code config} null (plaintext links); a store that cannot be used stops start-up naming its key. */
    static QuorumTls of(TlsConfig config) {
        if (config == null) {
            return null;
        }
        TlsContexts.Managers managers = TlsContexts.managers(config);
        try {
            SslContextBuilder accept = TlsContexts.server(config, managers, switch (config.clientAuth()) {
                case NONE -> ClientAuth.NONE;
                case WANT -> ClientAuth.OPTIONAL;
                case NEED -> ClientAuth.REQUIRE;
            });
            SslContextBuilder dial = SslContextBuilder.forClient().keyManager(managers.keys())
                    .trustManager(managers.trust()).sslProvider(SslProvider.JDK).protocols(config.enabledProtocols())
                    .endpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null);
            if (!config.cipherSuites().isEmpty()) {
                dial.ciphers(config.cipherSuites());
            }
            return new QuorumTls(accept.build(), dial.build());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("ssl.quorum.enabledProtocols", "cannot be used: " + e.getMessage());
        }
    }

    /** The handler for a link another member dialed. */
    SslHandler acceptHandler(ByteBufAllocator alloc) {
        return acceptContext.newHandler(alloc);
    }

    /** The handler for a link this member dials to {@code host:port} (SNI and the host name check). */
    SslHandler dialHandler(ByteBufAllocator alloc, String host, int port) {
        return dialContext.newHandler(alloc, host, port);
    }
}
