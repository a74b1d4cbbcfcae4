package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerAddress;
import io.coord.server.net.NettyTransport;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.QuorumInbound;
import io.coord.server.zab.ZabMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A member whose peer stops reading (a stalled follower, a silent link): what waits for that peer
 * stays within the outbox limit plus one frame, and once past the limit the connection is closed,
 * which the core sees as the peer gone (a leader drops the follower, which re-syncs when it is
 * back). Before, every frame went into Netty's buffer for as long as the connection stayed up.
 */
class SlowPeerTest {
    private static final long LIMIT_BYTES = 1 << 20;
    private static final int FRAME_BYTES = 64 << 10;

    @Test
    void aPeerThatStopsReadingIsCutOffBeforeItsBacklogPassesTheLimit() throws Exception {
        List<Long> down = new CopyOnWriteArrayList<>();
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silentPeer = new ServerSocket()) {
            silentPeer.setReceiveBufferSize(4096);
            silentPeer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silentPeer.accept()); // and never read from it
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            }, "test-silent-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            int myPort;
            try (ServerSocket free = new ServerSocket(0)) {
                myPort = free.getLocalPort();
            }
            Map<Long, ServerAddress> members = Map.of(
                    1L, new ServerAddress(1, "127.0.0.1", myPort, 0, false),
                    2L, new ServerAddress(2, "127.0.0.1", silentPeer.getLocalPort(), 0, false));
            QuorumTransport transport = new QuorumTransport(1, members, inbound(down), NettyTransport.NIO, LIMIT_BYTES);
            try {
                transport.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> transport.connected(2));
                long maxQueued = 0;
                for (int i = 0; i < 2_000 && down.isEmpty(); i++) {
                    transport.send(2, new ZabMessage.Propose(1, i, new byte[FRAME_BYTES]));
                    maxQueued = Math.max(maxQueued, transport.queuedBytes(2));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> down.contains(2L));
                assertTrue(maxQueued <= LIMIT_BYTES + FRAME_BYTES + 1024,
                        "waiting bytes stayed within the limit + one frame: " + maxQueued);
            } finally {
                transport.close();
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static QuorumInbound inbound(List<Long> down) {
        return new QuorumInbound() {
            @Override
            public Backlog backlog() {
                return new Backlog() {
                    @Override
                    public boolean overHighWater() {
                        return false;
                    }

                    @Override
                    public void whenBelowLowWater(Runnable resume) {
                        resume.run();
                    }
                };
            }

            @Override
            public void onZab(long from, ZabMessage message) {
            }

            @Override
            public void onForward(long from, ForwardedRequest request) {
            }

            @Override
            public void onTouch(long from, long[] sessionIds) {
            }

            @Override
            public void onPeerDown(long peer) {
                down.add(peer);
            }
        };
    }
}
