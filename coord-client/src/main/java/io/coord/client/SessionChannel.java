package io.coord.client;

import io.coord.wire.OpCode;
import io.coord.wire.Xids;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of a session's connection: length-prefixed frames in, and idle events turned
 * into pings (writer idle) or a drop (reader idle, armed by the session once the handshake is done).
 */
final class SessionChannel extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SessionChannel.class);
    /** Room above maxPacketBytes for reply headers and stats around the largest data. */
    private static final int INCOMING_SLACK_BYTES = 64 * 1024;

    /** What the session supplies: frames go to it, and only its current channel counts. */
    interface Sink {
        void onFrame(Channel ch, byte[] frame);

        boolean isCurrent(Channel ch);

        int negotiatedTimeoutMs();
    }

    private final Sink sink;

    private SessionChannel(Sink sink) {
        this.sink = sink;
    }

    static Bootstrap bootstrap(EventLoop loop, int maxPacketBytes, int connectTimeoutMs, Sink sink) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(
                                maxPacketBytes + INCOMING_SLACK_BYTES, 0, 4, 0, 4));
                        ch.pipeline().addLast("session", new SessionChannel(sink));
                    }
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            sink.onFrame(ctx.channel(), ByteBufUtil.getBytes(buf));
        } finally {
            ReferenceCountUtil.release(buf);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent idle) || !sink.isCurrent(ctx.channel())) {
            return;
        }
        if (idle.state() == IdleState.WRITER_IDLE) {
            ByteBuf ping = ctx.alloc().buffer(12).writeInt(8).writeInt(Xids.PING).writeInt(OpCode.PING);
            ctx.writeAndFlush(ping);
        } else if (idle.state() == IdleState.READER_IDLE) {
            log.info("no traffic from {} for {} ms; dropping the connection", ctx.channel().remoteAddress(),
                    sink.negotiatedTimeoutMs() * 2 / 3);
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLException) {
            // Worth seeing: an untrusted server certificate or a refused client one does not heal by retrying.
            log.warn("TLS connection to {} failed: {}", ctx.channel().remoteAddress(), root.getMessage());
        } else {
            log.debug("connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
