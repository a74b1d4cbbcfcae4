package io.coord.server.net;

import io.coord.server.pipeline.RequestSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at a connection's first bytes to tell a TLS client (a handshake record: 0x16, then major
 * version 0x03) from a plaintext one (a ZooKeeper packet length, far below 0x16030000, a four-letter
 * word, or an HTTP request line on the AdminServer port),
 * then steps aside: it puts a TLS handler in its place, lets the plaintext bytes through, or closes
 * a connection of the kind this port does not take with one log line that says what happened.
 * Without it a plaintext port read a TLS ClientHello as a packet of about 369 MB, and a TLS port
 * logged a hex dump of the plaintext it could not decrypt.
 */
public final class TlsSniffer extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsSniffer.class);
    static final byte HANDSHAKE_RECORD = 0x16;
    static final byte TLS_MAJOR_VERSION = 0x03;

    private final boolean acceptPlain;
    private final Function<ChannelHandlerContext, SslHandler> tls;
    private final String portName;
    private final String tlsRefusedHint;
    private final String plainRefusedHint;
    /** Where a client port reports plaintext connections; null on other ports. */
    private RequestSink events;
    /** Called for each plaintext connection served; null when nobody counts them. */
    private Runnable onPlaintext;

    /**
     * @param acceptPlain      plaintext clients are served
     * @param tls              the TLS handler for a TLS client's connection, or null when this port takes none
     * @param portName         for log lines: "clientPort", "admin.serverPort"
     * @param tlsRefusedHint   what to do about a TLS client on a port without TLS (for the log line)
     * @param plainRefusedHint what to do about a plaintext client on a TLS-only port (for the log line)
     */
    public TlsSniffer(boolean acceptPlain, Function<ChannelHandlerContext, SslHandler> tls, String portName,
                      String tlsRefusedHint, String plainRefusedHint) {
        this.acceptPlain = acceptPlain;
        this.tls = tls;
        this.portName = portName;
        this.tlsRefusedHint = tlsRefusedHint;
        this.plainRefusedHint = plainRefusedHint;
    }

    /**
     * On a client port: a TLS connection's peer certificates are checked with the context's trust
     * manager; each TLS handshake's start and end, and each plaintext connection, go to {@code events}.
     */
    static TlsSniffer clientPort(boolean acceptPlain, Supplier<ServerTls.Context> tls, String portName,
                                 RequestSink events) {
        Function<ChannelHandlerContext, SslHandler> handler = tls == null ? null : ctx -> {
            ServerTls.Context context = tls.get();
            ctx.channel().attr(TlsPeer.TRUST).set(context.trust());
            SslHandler ssl = context.ssl().newHandler(ctx.alloc());
            events.connectionEvent(RequestSink.ConnectionEvent.TLS_HANDSHAKE_STARTED);
            ssl.handshakeFuture().addListener(f -> events.connectionEvent(f.isSuccess()
                    ? RequestSink.ConnectionEvent.TLS_HANDSHAKE_DONE : RequestSink.ConnectionEvent.TLS_HANDSHAKE_FAILED));
            return ssl;
        };
        TlsSniffer sniffer = new TlsSniffer(acceptPlain, handler, portName,
                "connect TLS clients to secureClientPort, or set client.portUnification=true",
                "plaintext clients belong on clientPort");
        sniffer.events = events;
        return sniffer;
    }

    /** Calls {@code counter} for each plaintext connection this sniffer lets through (the AdminServer's insecure_admin_count). */
    public TlsSniffer countingPlaintext(Runnable counter) {
        this.onPlaintext = counter;
        return this;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return;
        }
        int at = in.readerIndex();
        boolean maybeTls = in.getByte(at) == HANDSHAKE_RECORD;
        if (maybeTls && in.readableBytes() < 2) {
            return;
        }
        boolean isTls = maybeTls && in.getByte(at + 1) == TLS_MAJOR_VERSION;
        String remote = String.valueOf(ctx.channel().remoteAddress());
        if (isTls && tls == null) {
            LOG.warn("closing connection {} on {}: the client started a TLS handshake on a plaintext port ({})",
                    remote, portName, tlsRefusedHint);
            close(ctx, in);
        } else if (!isTls && !acceptPlain) {
            LOG.warn("closing connection {} on {}: the client does not speak TLS (its first bytes are not a TLS"
                    + " handshake; {})", remote, portName, plainRefusedHint);
            close(ctx, in);
        } else if (isTls) {
            // replace() hands the bytes read so far to the TLS handler.
            ctx.pipeline().replace(this, "tls", tls.apply(ctx));
        } else {
            if (events != null) {
                boolean local = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a
                        && a.getAddress() != null && a.getAddress().isLoopbackAddress();
                events.connectionEvent(local ? RequestSink.ConnectionEvent.PLAINTEXT_LOCAL
                        : RequestSink.ConnectionEvent.PLAINTEXT_REMOTE);
            }
            if (onPlaintext != null) {
                onPlaintext.run();
            }
            ctx.pipeline().remove(this);
        }
    }

    private static void close(ChannelHandlerContext ctx, ByteBuf in) {
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
