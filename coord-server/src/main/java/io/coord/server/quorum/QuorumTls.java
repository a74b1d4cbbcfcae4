package io.coord.server.quorum;

import io.coord.server.config.ConfigException;
import io.coord.server.config.TlsConfig;
import io.coord.server.net.StoreStamps;
import io.coord.server.net.TlsContexts;
import io.coord.server.net.TlsSniffer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on member links (sslQuorum): one member's key store serves both ends of its links — as the
 * server side of links it accepts and as the client certificate of links it dials — and its trust
 * store decides which members it accepts. The dialing member checks the other's certificate against
 * the host of that member's server.N line when ssl.quorum.hostnameVerification is on (the default).
 *
 * <p>With sslQuorumReloadCertFiles each new link first checks whether a store file changed and, if
 * so, rebuilds both contexts: links that are up keep the certificates they were made with (a member
 * link is never dropped for a reload), new ones use the new files. A store that no longer loads is
 * logged once per change and the last good contexts stay in use. With portUnification the quorum
 * port also takes plaintext members ({@link #acceptsPlaintext}), and with sslQuorum off this member
 * dials in plaintext ({@link #dialsTls}): the steps of ZooKeeper's rolling upgrade to TLS.
 */
final class QuorumTls {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumTls.class);
    private final TlsConfig config;
    private final StoreStamps stamps;
    private Contexts contexts;

    private record Contexts(SslContext accept, SslContext dial) {
    }

    private QuorumTls(TlsConfig config, StoreStamps stamps, Contexts contexts) {
        this.config = config;
        this.stamps = stamps;
        this.contexts = contexts;
    }

    /** Null for {@code config} null (plaintext links); a store that cannot be used stops start-up naming its key. */
    static QuorumTls of(TlsConfig config) {
        if (config == null) {
            return null;
        }
        StoreStamps stamps = new StoreStamps(config);
        Contexts first = build(config);
        LOG.info("member links: TLS {}{}{}, key store {}, trust store {}", config.dialTls() ? "on" : "accepted only",
                config.portUnification() ? ", plaintext members accepted too (portUnification)" : "",
                config.certReloadEnabled() ? ", stores reloaded when their files change" : "", config.keyStore(),
                config.trustStore() == null ? "the JDK's default" : config.trustStore());
        return new QuorumTls(config, stamps, first);
    }

    private static Contexts build(TlsConfig config) {
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
            return new Contexts(accept.build(), dial.build());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("ssl.quorum.enabledProtocols", "cannot be used: " + e.getMessage());
        }
    }

    /** The contexts for a new link, rebuilt first when reload is on and a store file changed. */
    private synchronized Contexts current() {
        if (config.certReloadEnabled() && stamps.changed()) {
            try {
                contexts = build(config);
                LOG.info("quorum TLS store changed on disk: new member links use the reloaded certificates");
            } catch (ConfigException e) {
                LOG.error("quorum TLS store changed on disk but {} cannot be used ({}); keeping the previous"
                        + " certificates", e.key(), e.getMessage());
            }
        }
        return contexts;
    }

    /** True when links this member dials use TLS (sslQuorum); false: plaintext (portUnification only). */
    boolean dialsTls() {
        return config.dialTls();
    }

    /** True when the quorum port also takes plaintext members (portUnification). */
    boolean acceptsPlaintext() {
        return config.portUnification();
    }

    /** The handler for a link another member dialed. */
    SslHandler acceptHandler(ByteBufAllocator alloc) {
        return current().accept().newHandler(alloc);
    }

    /** With portUnification: tells a TLS member's link from a plaintext one by its first bytes. */
    TlsSniffer unifiedAccept() {
        return new TlsSniffer(true, ctx -> acceptHandler(ctx.alloc()), "the quorum port",
                "the quorum port takes TLS members only with sslQuorum or portUnification", "");
    }

    /** The handler for a link this member dials to {@code host:port} (SNI and the host name check). */
    SslHandler dialHandler(ByteBufAllocator alloc, String host, int port) {
        return current().dial().newHandler(alloc, host, port);
    }
}
