package io.coord.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections for a session: the next host in the shuffled list, at once after a working
 * connection dropped, with a growing pause after each full round of failed hosts. Confined to the
 * session's event loop.
 */
final class Connector {
    private static final Logger log = LoggerFactory.getLogger(Connector.class);

    /** The session the connections are for. */
    interface Target {
        /** False while connected, connecting or closing: then no attempt is made. */
        boolean wantsConnection();

        /** A TCP connection is up; the session starts its handshake on it. */
        void connected(Channel ch);

        /** For log lines only. */
        long sessionId();
    }

    private final EventLoop loop;
    private final HostList hosts;
    private final Bootstrap bootstrap;
    private final FaultInjector faults;
    private final Target target;
    private final int attemptTimeoutMs;
    /** TLS settings and the context built from them once, or both null for plaintext. */
    private final ClientTls tls;
    private final SslContext tlsContext;
    private int failedAttempts;

    Connector(EventLoop loop, ConnectString connectString, ClientOptions options, SessionChannel.Sink sink,
              Target target) {
        this.loop = loop;
        this.hosts = new HostList(connectString.hosts(), options.random());
        this.faults = options.faultInjector();
        this.target = target;
        int perHost = options.sessionTimeoutMs() / Math.max(1, connectString.hosts().size());
        this.attemptTimeoutMs = Math.min(options.connectionTimeoutMs(), Math.max(1000, perHost));
        this.bootstrap = SessionChannel.bootstrap(loop, options.maxPacketBytes(), attemptTimeoutMs, sink);
        this.tls = options.tls();
        this.tlsContext = tls == null ? null : tls.buildContext();
    }

    /** How long one host may take to accept a connection and to answer the handshake. */
    int attemptTimeoutMs() {
        return attemptTimeoutMs;
    }

    /** A session was established (or a working connection dropped): the next attempt is immediate. */
    void resetBackoff() {
        failedAttempts = 0;
    }

    void attempt() {
        if (!target.wantsConnection()) {
            return;
        }
        InetSocketAddress host = hosts.next();
        if (faults != null && faults.connectsBlocked()) {
            attemptFailed(host, "connects blocked by fault injector");
            return;
        }
        log.debug("connecting to {} (session 0x{})", host, Long.toHexString(target.sessionId()));
        ChannelFuture cf = bootstrap.connect(host);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                attemptFailed(host, String.valueOf(f.cause()));
            } else if (!target.wantsConnection()) {
                cf.channel().close();
            } else {
                if (tlsContext != null) {
                    // First in the pipeline: the handshake starts now, and the session's first
                    // writes wait in the handler until it is done.
                    cf.channel().pipeline().addFirst("tls", tls.newHandler(tlsContext, cf.channel().alloc(), host));
                }
                target.connected(cf.channel());
            }
        });
    }

    void attemptFailed(InetSocketAddress host, String why) {
        failedAttempts++;
        long delayMs = 0;
        if (failedAttempts % hosts.size() == 0) {
            int round = failedAttempts / hosts.size();
            delayMs = Math.min(1000L, 25L << Math.min(round - 1, 6));
        }
        log.debug("connect to {} failed ({}); next attempt in {} ms", host, why, delayMs);
        loop.schedule(this::attempt, delayMs, TimeUnit.MILLISECONDS);
    }
}
