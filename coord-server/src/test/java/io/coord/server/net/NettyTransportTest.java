package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs in the default suite (epoll expected on Linux x86-64, where the native library ships with
 * the server) and again in the nio-transport execution, which sets {@code -Dcoord.transport=nio}:
 * the default of the config key {@code nettyTransport}.
 */
class NettyTransportTest {
    @Test
    void aTakenPortIsABindExceptionWhateverTheTransport() throws Exception {
        NettyTransport transport = configured();
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
        assertEquals(NettyTransport.NIO, configured());
    }

    @Test
    void theConfigKeyChoosesTheTransport() {
        assertEquals(NettyTransport.NIO, NettyTransport.of(ConfigParser.parse(props("nio")).nettyTransport()));
        assertEquals(Epoll.isAvailable() ? NettyTransport.EPOLL : NettyTransport.NIO,
                NettyTransport.of(ConfigParser.parse(props("auto")).nettyTransport()));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(props("kqueue")));
        assertTrue(e.getMessage().contains("nettyTransport"), e.getMessage());
    }

    private static Properties props(String transport) {
        Properties p = new Properties();
        p.setProperty("dataDir", "/tmp/unused");
        p.setProperty("clientPort", "0");
        p.setProperty("nettyTransport", transport);
        return p;
    }

    /** What a server started with a config that does not set nettyTransport uses. */
    private static NettyTransport configured() {
        return NettyTransport.of(ServerConfig.builder(Path.of("unused")).build().nettyTransport());
    }

    @Test
    void epollOnLinuxX86UnlessNioIsAskedFor() {
        assumeTrue(System.getProperty("coord.transport") == null);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && ("amd64".equals(arch) || "x86_64".equals(arch)));
        assertEquals(null, Epoll.unavailabilityCause(), "the native epoll library should load here");
        assertEquals(NettyTransport.EPOLL, configured());
    }
}
