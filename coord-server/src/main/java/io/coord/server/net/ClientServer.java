package io.coord.server.net;

import io.coord.server.config.ServerConfig;
import io.coord.server.config.TlsConfig;
import io.coord.server.pipeline.RequestSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client ports: accepts connections on clientPort and/or secureClientPort (TLS), frames and
 * decodes packets, hands them to the sink. Both ports share the event loops and connection limits.
 */
public final class ClientServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientServer.class);
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    /**
     * The plaintext port (clientPort, the address on this member's server.N line), or null when only
     * the secure port is open; replaced by {@link #rebindPlain} after a reconfig moves it.
     */
    private volatile Channel plainChannel;
    /** What binds the plaintext port, kept for {@link #rebindPlain}. */
    private final ServerBootstrap plainBootstrap;
    private boolean closed;
    /** The TLS port (secureClientPort), or null. */
    private final Channel secureChannel;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> connectionsPerIp = new ConcurrentHashMap<>();
    private final AtomicInteger connectionsTotal = new AtomicInteger();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong backlogPauses = new AtomicLong();
    /**
     * Every open client connection, closed explicitly on close(): shutting the event loops down
     * alone once left a just-reattached client's socket open (a member stopped in-process, its
     * client heard nothing until its own read timeout, 5.3 s later). It stays closed: a connection
     * the boss loop accepted just before close() is registered (and added here) only afterwards, on
     * a worker loop, and one added after close() is closed at once instead of being left open by the
     * stopping loop (ClientServerCloseTest failed once that way on a loaded machine).
     */
    private final ChannelGroup clientChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE, true);

    private ClientServer(ServerConfig config, RequestSink sink, int ioThreads)
            throws InterruptedException, BindException {
        TlsConfig tlsConfig = config.tls();
        // Before any socket is bound: a key store that does not load stops start-up, naming its key.
        ServerTls tls = tlsConfig.enabled() ? new ServerTls(tlsConfig) : null;
        NettyTransport transport = NettyTransport.of(config.nettyTransport());
        bossGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(ioThreads, transport.ioHandlerFactory());
        plainBootstrap = bootstrap(config, sink, transport,
                new PortKind("clientPort", true, tlsConfig.portUnification() ? tls : null));
        Channel plain = null;
        try {
            plain = config.clientAddress() == null ? null : NettyTransport.bind(plainBootstrap, config.clientAddress());
            secureChannel = tlsConfig.secureAddress() == null ? null : NettyTransport.bind(bootstrap(config, sink,
                    transport, new PortKind("secureClientPort", false, tls)), tlsConfig.secureAddress());
        } catch (RuntimeException | InterruptedException | BindException e) {
            if (plain != null) {
                plain.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            shutdownGroups();
            throw e;
        }
        plainChannel = plain;
    }

    /** What a port takes: plaintext clients, TLS clients (tls non-null), or both (port unification). */
    private record PortKind(String name, boolean acceptPlain, ServerTls tls) {
    }

    private ServerBootstrap bootstrap(ServerConfig config, RequestSink sink, NettyTransport transport, PortKind port) {
        return new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clientChannels.add(ch);
                        NettyClientChannel client = NettyClientChannel.wrap(connectionIds, ch);
                        ch.pipeline().addLast(new ConnectionLimit(config.maxClientCnxns(), config.maxCnxns(), sink));
                        ch.pipeline().addLast(TlsSniffer.clientPort(port.acceptPlain(),
                                port.tls() == null ? null : port.tls()::current, port.name(), sink));
                        ch.pipeline().addLast(new FrameDecoder(config.juteMaxBuffer()));
                        ch.pipeline().addLast(new ClientHandler(sink, client, backlogPauses));
                    }
                });
    }

    /**
     * Loads and initialises the Netty classes that binding needs (allocator, selector, bootstrap),
     * so a caller can do it on another thread while the server recovers; safe to skip.
     */
    public static void preloadClasses(NettyTransport transport) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        new ServerBootstrap().group(group).channel(transport.serverChannel());
        ByteBufAllocator.DEFAULT.buffer(16).release();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    /** Binds the client port; throws BindException if it cannot (e.g. the port is taken). */
    public static ClientServer start(ServerConfig config, RequestSink sink)
            throws InterruptedException, BindException {
        int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new ClientServer(config, sink, ioThreads);
    }

    /** The plaintext port's address, or the secure port's when there is no plaintext port. */
    public InetSocketAddress localAddress() {
        Channel plain = plainChannel;
        return (InetSocketAddress) (plain != null ? plain : secureChannel).localAddress();
    }

    /** "clientPort 127.0.0.1:2181 and secureClientPort 127.0.0.1:2281", for start-up lines. */
    public String describePorts() {
        Channel plainNow = plainChannel;
        String plain = plainNow == null ? null : "clientPort " + plainNow.localAddress();
        String secure = secureChannel == null ? null : "secureClientPort (TLS) " + secureChannel.localAddress();
        return plain == null ? secure : secure == null ? plain : plain + " and " + secure;
    }

    /** The secure port's address, or null when there is none. */
    public InetSocketAddress secureAddress() {
        return secureChannel == null ? null : (InetSocketAddress) secureChannel.localAddress();
    }

    /** How many times a connection stopped being read because the request thread was backlogged. */
    public long backlogPauses() {
        return backlogPauses.get();
    }

    public int connectionCount() {
        return connectionsPerIp.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /**
     * Moves the plaintext port to {@code wanted} (a committed reconfig changed this member's client
     * address), as ZooKeeper's ServerCnxnFactory.reconfigure: the new address is bound first, then
     * the old listening channel closed; the connections it accepted stay open (a server channel's
     * close leaves its children alone). The secure port is not touched: the server.N line names only
     * the plaintext address. Nothing is done when {@code wanted} is the bound address (or both are
     * the wildcard with the same port). When the bind fails the old port stays open and false is
     * returned (ZooKeeper 3.9.5 closes the old one even then, leaving no client port).
     */
    public synchronized boolean rebindPlain(InetSocketAddress wanted) {
        Channel old = plainChannel;
        if (closed || (old != null && sameAddress((InetSocketAddress) old.localAddress(), wanted))) {
            return !closed;
        }
        // Uninterruptibly: this runs on the request thread, whose interrupt status means shutdown.
        ChannelFuture bound = plainBootstrap.bind(wanted).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            LOG.error("cannot move the client port to {} as the committed configuration asks ({}); still listening on"
                    + " {}", wanted, bound.cause().toString(), old == null ? "no plaintext port" : old.localAddress());
            return false;
        }
        Channel fresh = bound.channel();
        plainChannel = fresh;
        if (old != null) {
            old.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        LOG.info("client port moved from {} to {} (open connections kept)",
                old == null ? "none" : old.localAddress(), fresh.localAddress());
        return true;
    }

    private static boolean sameAddress(InetSocketAddress bound, InetSocketAddress wanted) {
        return bound.equals(wanted) || (bound.getPort() == wanted.getPort() && wanted.getAddress() != null
                && bound.getAddress().isAnyLocalAddress() && wanted.getAddress().isAnyLocalAddress());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Channel server : new Channel[] {plainChannel, secureChannel}) {
            if (server != null) {
                server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        clientChannels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
    }

    private void shutdownGroups() {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Enforces maxClientCnxns per remote IP and maxCnxns over all connections, as ZooKeeper does
     * (0 = unlimited).
     */
    private final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        private final int maxPerIp;
        private final int maxTotal;
        private final RequestSink sink;
        private InetAddress counted;

        ConnectionLimit(int maxPerIp, int maxTotal, RequestSink sink) {
            this.maxPerIp = maxPerIp;
            this.maxTotal = maxTotal;
            this.sink = sink;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetAddress ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            int n = connectionsPerIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
            counted = ip;
            int total = connectionsTotal.incrementAndGet();
            if (maxPerIp > 0 && n > maxPerIp) {
                LOG.warn("too many connections from {} (max {}): closing", ip.getHostAddress(), maxPerIp);
                sink.connectionEvent(RequestSink.ConnectionEvent.REJECTED);
                ctx.close();
                return;
            }
            if (maxTotal > 0 && total > maxTotal) {
                LOG.warn("too many connections in all (maxCnxns {}): closing the one from {}", maxTotal,
                        ip.getHostAddress());
                sink.connectionEvent(RequestSink.ConnectionEvent.REJECTED);
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted != null) {
                connectionsPerIp.computeIfPresent(counted, (k, c) -> c.decrementAndGet() <= 0 ? null : c);
                connectionsTotal.decrementAndGet();
            }
            ctx.fireChannelInactive();
        }
    }
}
