package io.coord.server.net;

import io.coord.server.pipeline.ClientChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a Netty channel to the pipeline's {@link ClientChannel}. Packets sent by the request
 * thread are gathered and handed to Netty once per {@link #flush()}: a write from outside the event
 * loop costs a task hand-off, so one per batch instead of one per packet.
 */
final class NettyClientChannel implements ClientChannel {
    private static final Logger LOG = LoggerFactory.getLogger(NettyClientChannel.class);
    /** A client that leaves this much unread in our outbound buffer is dropped (slow consumer). */
    static final long MAX_PENDING_OUTBOUND_BYTES = 64L << 20;
    private final long id;
    private final Channel channel;
    /** Packets queued since the last flush; touched by the request thread only. */
    private final List<byte[]> pending = new ArrayList<>();
    private int pendingBytes;
    /** Why reading is stopped: a bit per reason; guarded by {@code this}. */
    private int pausedBy;
    private static final int PAUSED_BY_CONNECTION = 1;
    private static final int PAUSED_BY_BACKLOG = 2;
    /**
     * Set by the event loop before it hands the handshake packet to the request thread (whose
     * queue orders the two), read by the request thread.
     */
    private volatile String peerCertificateSubject;

    NettyClientChannel(long id, Channel channel) {
        this.id = id;
        this.channel = channel;
    }

    static NettyClientChannel wrap(AtomicLong ids, Channel channel) {
        return new NettyClientChannel(ids.incrementAndGet(), channel);
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void send(byte[] framedPacket) {
        pending.add(framedPacket);
        pendingBytes += framedPacket.length;
    }

    @Override
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuf out;
        if (pending.size() == 1) {
            out = Unpooled.wrappedBuffer(pending.get(0));
        } else {
            out = channel.alloc().buffer(pendingBytes);
            for (byte[] frame : pending) {
                out.writeBytes(frame);
            }
        }
        pending.clear();
        pendingBytes = 0;
        var outbound = channel.unsafe().outboundBuffer();
        if (outbound != null && outbound.totalPendingWriteBytes() > MAX_PENDING_OUTBOUND_BYTES) {
            out.release();
            LOG.warn("closing connection {}: it leaves more than {} MiB of replies unread", describe(),
                    MAX_PENDING_OUTBOUND_BYTES >> 20);
            channel.close();
            return;
        }
        channel.writeAndFlush(out, channel.voidPromise());
    }

    @Override
    public void close(String reason) {
        flush();
        if (channel.isOpen()) {
            LOG.debug("closing connection {}: {}", describe(), reason);
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public InetAddress remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    @Override
    public String describe() {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(channel.remoteAddress());
    }

    /** This connection's own queue (the pipeline's per-connection limit). */
    @Override
    public void setReadable(boolean readable) {
        setPaused(PAUSED_BY_CONNECTION, !readable);
    }

    /** Stops reading for the request thread's backlog; false if already stopped for it. */
    synchronized boolean pauseForBacklog() {
        if ((pausedBy & PAUSED_BY_BACKLOG) != 0) {
            return false;
        }
        setPaused(PAUSED_BY_BACKLOG, true);
        return true;
    }

    void resumeAfterBacklog() {
        setPaused(PAUSED_BY_BACKLOG, false);
    }

    /**
     * Reads while no reason to stop holds. Called from the event loop and the request thread; the
     * lock keeps their autoRead changes in the order of the reasons' changes.
     */
    private synchronized void setPaused(int reason, boolean paused) {
        int before = pausedBy;
        pausedBy = paused ? before | reason : before & ~reason;
        if ((before == 0) != (pausedBy == 0)) {
            channel.config().setAutoRead(pausedBy == 0);
        }
    }

    @Override
    public String peerCertificateSubject() {
        return peerCertificateSubject;
    }

    void setPeerCertificateSubject(String subject) {
        peerCertificateSubject = subject;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(id) + "@" + describe();
    }
}
