package io.coord.server.net;

import io.coord.server.pipeline.ClientChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts a Netty channel to the pipeline's {@link ClientChannel}. */
final class NettyClientChannel implements ClientChannel {
    private static final Logger LOG = LoggerFactory.getLogger(NettyClientChannel.class);
    private final long id;
    private final Channel channel;

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
        channel.write(Unpooled.wrappedBuffer(framedPacket), channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void close(String reason) {
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

    @Override
    public void setReadable(boolean readable) {
        channel.config().setAutoRead(readable);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(id) + "@" + describe();
    }
}
