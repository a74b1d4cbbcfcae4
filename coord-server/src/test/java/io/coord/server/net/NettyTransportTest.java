package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs in the default suite (epoll expected on Linux x86-64, where the native library ships with
 * the server) and again in the nio-transport execution, which sets {@code -Dcoord.transport=nio}.
 */
class NettyTransportTest {
    @Test
    void aTakenPortIsABindExceptionWhateverTheTransport() throws Exception {
        NettyTransport transport = NettyTransport.current();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter());
            BindException e = assertThrows(BindException.class, () -> NettyTransport.bind(b,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort())));
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await();
        }
    }

    @Test
    void nioWhenAskedForIt() {
        assumeTrue("nio".equals(System.getProperty("coord.transport")));
        assertEquals(NettyTransport.NIO, NettyTransport.current());
    }

    @Test
    void epollOnLinuxX86UnlessNioIsAskedFor() {
        assumeTrue(System.getProperty("coord.transport") == null);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && ("amd64".equals(arch) || "x86_64".equals(arch)));
        assertEquals(null, Epoll.unavailabilityCause(), "the native epoll library should load here");
        assertEquals(NettyTransport.EPOLL, NettyTransport.current());
    }
}
