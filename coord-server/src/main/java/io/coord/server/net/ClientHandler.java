package io.coord.server.net;

import io.coord.server.pipeline.RequestSink;
import io.coord.wire.ConnectRequest;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.RequestHeader;
import io.coord.wire.Requests;
import io.coord.wire.UnknownOpCodeException;
import io.coord.wire.WireFormatException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-connection decoding after framing: the first packet is the handshake, later ones are
 * requests. Any decoding failure closes this connection only, with one log line; nothing thrown
 * here escapes to Netty's pipeline as an unhandled exception. A connection that hands over a
 * packet while the request thread's backlog is past its high-water mark stops being read until the
 * backlog is under its low-water mark: the event loop never waits, the backlog stays bounded, and
 * connections that send nothing meanwhile are not affected.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    private final RequestSink sink;
    private final NettyClientChannel client;
    private final AtomicLong backlogPauses;
    private boolean handshakeDone;

    /** @param backlogPauses counts the times a connection stopped being read for the backlog */
    ClientHandler(RequestSink sink, NettyClientChannel client, AtomicLong backlogPauses) {
        this.sink = sink;
        this.client = client;
        this.backlogPauses = backlogPauses;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FrameDecoder.FourLetterWord w) {
                answerFourLetterWord(ctx, w.word());
            } else if (msg instanceof FrameDecoder.Packet p) {
                onPacket(ctx, p.payload());
            }
        } catch (WireFormatException e) {
            reject(ctx, "malformed packet: " + e.getMessage());
            return;
        }
        pauseIfBacklogged();
    }

    private void pauseIfBacklogged() {
        var backlog = sink.backlog();
        if (backlog.overHighWater() && client.pauseForBacklog()) {
            backlogPauses.incrementAndGet();
            backlog.whenBelowLowWater(client::resumeAfterBacklog);
        }
    }

    private void onPacket(ChannelHandlerContext ctx, byte[] payload) {
        sink.bytesReceived(Integer.BYTES + payload.length);
        JuteReader in = new JuteReader(payload);
        if (!handshakeDone) {
            ConnectRequest request = ConnectRequest.read(in);
            try {
                client.setPeerCertificateSubject(TlsPeer.certificateSubject(ctx));
            } catch (TlsPeer.UntrustedPeerException e) {
                sink.connectionEvent(io.coord.server.pipeline.RequestSink.ConnectionEvent.X509_REFUSED);
                reject(ctx, e.getMessage());
                return;
            }
            handshakeDone = true;
            sink.connect(client, request);
            return;
        }
        RequestHeader header = RequestHeader.read(in);
        JuteRecord body;
        try {
            body = Requests.decodeBody(header.type(), in);
        } catch (UnknownOpCodeException e) {
            // Answered in order (UNIMPLEMENTED, then close) by the request thread, as ZooKeeper does.
            LOG.warn("connection {}: {}", client.describe(), e.getMessage());
            body = null;
        }
        sink.request(client, header, body);
    }

    private void answerFourLetterWord(ChannelHandlerContext ctx, String word) {
        if (word.equals("ruok")) {
            // Answered here: it must work even when the request thread is busy or stuck.
            ctx.writeAndFlush(Unpooled.copiedBuffer("imok", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        sink.fourLetterWord(client, word);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeDone) {
            sink.disconnected(client);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof FrameDecoder.BadFrameException
                || cause.getCause() instanceof FrameDecoder.BadFrameException) {
            reject(ctx, (cause instanceof FrameDecoder.BadFrameException ? cause : cause.getCause()).getMessage());
        } else if (TlsPeer.isTlsFailure(cause)) {
            // One line, no stack: an untrusted or missing client certificate, a protocol mismatch.
            reject(ctx, "TLS handshake failed: " + TlsPeer.describe(cause));
        } else if (cause instanceof java.io.IOException) {
            LOG.debug("connection {} I/O error: {}", client.describe(), cause.toString());
            ctx.close();
        } else {
            LOG.warn("connection {} closed after an unexpected error", client.describe(), cause);
            ctx.close();
        }
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        LOG.warn("closing connection {}: {}", client.describe(), why);
        ctx.close();
    }
}
