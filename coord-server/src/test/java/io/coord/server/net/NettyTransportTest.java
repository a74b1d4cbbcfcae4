package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Runs in the default suite (epoll expected on Linux x86-64, where the native library ships with
 * the server) and again in the nio-transport execution, which sets {@code -Dcoord.transport=nio}.
 */
class NettyTransportTest {
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
