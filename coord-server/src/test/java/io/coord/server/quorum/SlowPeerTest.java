package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerAddress;
import io.coord.server.net.NettyTransport;
import io.coord.server.pipeline.Backlog;
import io.coord.server.zab.ZabMessage;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A member whose peer stops reading (a stalled follower, a silent link): what waits for that peer
 * stays within the outbox limit plus one frame, and once past the limit the connection is closed,
 * which the core sees as the peer gone (a leader drops the follower, which re-syncs when it is
 * back). Before, every frame went into Netty's buffer for as long as the connection stayed up.
 * And a member stops reading a link while its request thread is backlogged.
 */
class SlowPeerTest {
    private static final long LIMIT_BYTES = 1 << 20;
    private static final int FRAME_BYTES = 64 << 10;

    @Test
    void aPeerThatStopsReadingIsCutOffBeforeItsBacklogPassesTheLimit() throws Exception {
        RecordingInbound inbound = new RecordingInbound();
        List<Long> down = inbound.peersDown;
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
            QuorumTransport transport = new QuorumTransport(1, members, inbound, NettyTransport.NIO, LIMIT_BYTES);
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

    /**
     * The other direction: while the request thread is backlogged, a member stops reading the link
     * that keeps delivering (TCP then pushes back on the sender), and reads again once the backlog is
     * down. Before, every frame that arrived was queued for the request thread at once.
     */
    @Test
    void aLinkIsNotReadWhileTheRequestThreadIsBacklogged() throws Exception {
        AtomicBoolean over = new AtomicBoolean(true);
        List<Runnable> resumes = new CopyOnWriteArrayList<>();
        Backlog backlog = new Backlog() {
            @Override
            public boolean overHighWater() {
                return over.get();
            }

            @Override
            public void whenBelowLowWater(Runnable resume) {
                resumes.add(resume);
            }
        };
        RecordingInbound inbound = new RecordingInbound(backlog);
        AtomicInteger received = inbound.zabReceived;
        int myPort;
        try (ServerSocket free = new ServerSocket(0)) {
            myPort = free.getLocalPort();
        }
        Map<Long, ServerAddress> members = Map.of(
                1L, new ServerAddress(1, "127.0.0.1", 1, 0, false),
                2L, new ServerAddress(2, "127.0.0.1", myPort, 0, false));
        QuorumTransport transport = new QuorumTransport(2, members, inbound, NettyTransport.NIO);
        int frames = 2_000;
        try (Socket peer = new Socket()) {
            transport.start();
            peer.connect(new InetSocketAddress("127.0.0.1", myPort), 5_000);
            DataOutputStream out = new DataOutputStream(peer.getOutputStream());
            writeFrame(out, QuorumCodec.encode(new QuorumCodec.Hello(1)));
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        writeFrame(out, QuorumCodec.encode(new ZabMessage.Propose(1, i, new byte[10_000])));
                    }
                    out.flush();
                } catch (Exception e) {
                    // the test failed or is over
                }
            }, "test-peer-writer");
            writer.setDaemon(true);
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > 0);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> received.get() < 100);
            over.set(false);
            resumes.forEach(Runnable::run);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == frames);
            writer.join(5_000);
        } finally {
            transport.close();
        }
    }

    private static void writeFrame(DataOutputStream out, byte[] payload) throws java.io.IOException {
        out.writeInt(payload.length);
        out.write(payload);
    }
}
