package io.coord.server.net;

import io.coord.server.config.ConfigException;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.BindException;
import java.net.SocketAddress;

/**
 * Which Netty transport the client port and the quorum links use, from the config key
 * {@code nettyTransport}: with {@code auto} (the default), Linux epoll where its native library
 * loads (fewer syscalls and less garbage per read and write than the JDK selector; the event loops
 * are the members' largest CPU user under load), the JDK's NIO elsewhere; {@code nio} asks for NIO;
 * {@code epoll} refuses to start where epoll cannot load.
 */
public enum NettyTransport {
    EPOLL, NIO;

    /** The transport a {@code nettyTransport} value asks for (see {@link io.coord.server.config.ServerConfig}). */
    public static NettyTransport of(String setting) {
        return switch (setting) {
            case "nio" -> NIO;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new ConfigException("nettyTransport", "is epoll, but epoll cannot be used here: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case "auto" -> Epoll.isAvailable() ? EPOLL : NIO;
            default -> throw new ConfigException("nettyTransport", "must be one of auto, epoll, nio, was '" + setting + "'");
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Binds {@code bootstrap} to {@code address} and waits. A failure comes out as
     * {@link BindException} whatever the transport: epoll reports it as its own native IOException
     * (thrown unchecked by Netty), NIO as BindException, and callers close what they started on it.
     */
    public static Channel bind(AbstractBootstrap<?, ?> bootstrap, SocketAddress address)
            throws InterruptedException, BindException {
        ChannelFuture f = bootstrap.bind(address).await();
        if (f.isSuccess()) {
            return f.channel();
        }
        Throwable cause = f.cause();
        BindException be = new BindException("cannot bind " + address + ": " + cause.getMessage());
        be.initCause(cause);
        throw be;
    }
}
