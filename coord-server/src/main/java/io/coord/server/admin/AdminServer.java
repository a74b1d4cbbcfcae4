package io.coord.server.admin;

import io.coord.server.admin.console.ConsoleRoutes;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.AdminHttps;
import io.coord.server.config.ConfigException;
import io.coord.server.net.NettyTransport;
import io.coord.server.net.TlsContexts;
import io.coord.server.net.TlsSniffer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's AdminServer over Netty's HTTP codec: {@code GET <commandURL>/<command>} answers
 * JSON, {@code GET <commandURL>} lists the commands. One event-loop thread; requests are small
 * and bounded (request line, headers, body), connections are limited and closed when idle for
 * admin.idleTimeout, and a malformed request gets a 4xx and its connection closed. With
 * admin.forceHttps (HTTPS only) or admin.portUnification (HTTP and HTTPS on one port) a connection's
 * first bytes decide: a TLS handshake gets the quorum keys' TLS handler, plaintext is served or,
 * HTTPS-only, closed with one log line.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Open HTTP connections allowed at once; more are closed on accept. */
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_INITIAL_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    /** Commands take no body; POST bodies are read only to be refused. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;

    private AdminServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /** Binds admin.serverAddress:admin.serverPort and serves until {@link #close()}. */
    public static AdminServer start(AdminConfig config, NettyTransport transport, StatusSource source,
                                    CommandAnswers answers) throws IOException {
        return start(config, transport, source, answers, null);
    }

    /**
     * As above, with the snapshot and restore commands served by {@code snapshots} (null: they
     * answer that this server does not offer them).
     */
    public static AdminServer start(AdminConfig config, NettyTransport transport, StatusSource source,
                                    CommandAnswers answers, SnapshotCommands snapshots) throws IOException {
        return start(config, transport, source, answers, snapshots, null);
    }

    /** As above, with the web console at {@code /console} served by {@code console} (null: not served). */
    public static AdminServer start(AdminConfig config, NettyTransport transport, StatusSource source,
                                    CommandAnswers answers, SnapshotCommands snapshots, ConsoleRoutes console)
            throws IOException {
        return start(config, transport, source, answers, snapshots, console,
                snapshots != null ? snapshots.figures : new ProcessFigures());
    }

    /**
     * As above, counting into {@code figures} (the process's, which the server reports): with
     * admin.portUnification each plaintext connection (ZooKeeper's insecure_admin_count, which its
     * unified HTTP/HTTPS connector counts; a plain HTTP or HTTPS-only port counts none).
     */
    public static AdminServer start(AdminConfig config, NettyTransport transport, StatusSource source,
                                    CommandAnswers answers, SnapshotCommands snapshots, ConsoleRoutes console,
                                    ProcessFigures figures) throws IOException {
        SslContext tls = sslContext(config.https()); // before any thread: bad keys stop start-up
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("coord-admin"),
                transport.ioHandlerFactory());
        AtomicInteger open = new AtomicInteger();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, config.idleTimeoutMs(), TimeUnit.MILLISECONDS));
                        if (tls != null) {
                            ch.pipeline().addLast(new TlsSniffer(config.https().portUnification(),
                                    c -> tls.newHandler(c.alloc()), "admin.serverPort",
                                    "unreachable: this port takes TLS",
                                    "admin.forceHttps=true: use https://, or set admin.portUnification=true")
                                    .countingPlaintext(figures::insecureAdminConnection));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192));
                        ch.pipeline().addLast(new ChunkedWriteHandler()); // a streamed snapshot
                        if (snapshots != null) {
                            // Before the aggregator: a restore's body is a whole snapshot.
                            ch.pipeline().addLast(new RestoreUpload(config.commandUrl(), snapshots));
                        }
                        ch.pipeline().addLast(new HttpObjectAggregator(MAX_BODY_BYTES));
                        ch.pipeline().addLast(new AdminHttpHandler(config.commandUrl(), source, answers, snapshots,
                                console));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(config.serverAddress(), config.serverPort());
        try {
            Channel channel = NettyTransport.bind(b, address);
            LOG.info("AdminServer serving {} on {}://{}:{}", config.commandUrl(), scheme(config.https()),
                    config.serverAddress(), ((InetSocketAddress) channel.localAddress()).getPort());
            return new AdminServer(group, channel);
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the AdminServer", e);
        } catch (IOException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot start the AdminServer on " + address + " (admin.serverAddress,"
                    + " admin.serverPort; admin.enableServer=false turns it off): " + e.getMessage(), e);
        }
    }

    /** Null for plain HTTP; the quorum keys' server context otherwise (a client certificate if needClientAuth). */
    private static SslContext sslContext(AdminHttps https) {
        if (!https.enabled()) {
            return null;
        }
        TlsContexts.Managers managers = TlsContexts.managers(https.keys());
        try {
            return TlsContexts.server(https.keys(), managers,
                    https.needClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE).build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("ssl.quorum.enabledProtocols", "cannot be used for the AdminServer's HTTPS: "
                    + e.getMessage());
        }
    }

    private static String scheme(AdminHttps https) {
        return https.forceHttps() ? "https" : https.portUnification() ? "http+https" : "http";
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
