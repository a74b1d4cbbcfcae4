package io.coord.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at a connection's first bytes to tell a TLS client (a handshake record: 0x16, then major
 * version 0x03) from a ZooKeeper one (a packet length, far below 0x16030000, or a four-letter word),
 * then steps aside: it puts a TLS handler in its place, lets the plaintext bytes through, or closes
 * a connection of the kind this port does not take with one log line that says what happened.
 * Without it a plaintext port read a TLS ClientHello as a packet of about 369 MB, and a TLS port
 * logged a hex dump of the plaintext it could not decrypt.
 */
final class TlsSniffer extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsSniffer.class);
    static final byte HANDSHAKE_RECORD = 0x16;
    static final byte TLS_MAJOR_VERSION = 0x03;

    private final boolean acceptPlain;
    private final Supplier<ServerTls.Context> tls;
    private final String portName;

    /**
     * @param acceptPlain plaintext clients are served
     * @param tls         the context for TLS clients, or null when this port does not take them
     * @param portName    for log lines: "clientPort", "secureClientPort"
     */
    TlsSniffer(boolean acceptPlain, Supplier<ServerTls.Context> tls, String portName) {
        this.acceptPlain = acceptPlain;
        this.tls = tls;
        this.portName = portName;
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
            LOG.warn("closing connection {} on {}: the client started a TLS handshake on a plaintext port"
                    + " (connect TLS clients to secureClientPort, or set client.portUnification=true)", remote, portName);
            close(ctx, in);
        } else if (!isTls && !acceptPlain) {
            LOG.warn("closing connection {} on {}: the client does not speak TLS (its first bytes are not a TLS"
                    + " handshake; plaintext clients belong on clientPort)", remote, portName);
            close(ctx, in);
        } else if (isTls) {
            // replace() hands the bytes read so far to the TLS handler.
            ServerTls.Context context = tls.get();
            ctx.channel().attr(TlsPeer.TRUST).set(context.trust());
            ctx.pipeline().replace(this, "tls", context.ssl().newHandler(ctx.alloc()));
        } else {
            ctx.pipeline().remove(this);
        }
    }

    private static void close(ChannelHandlerContext ctx, ByteBuf in) {
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
