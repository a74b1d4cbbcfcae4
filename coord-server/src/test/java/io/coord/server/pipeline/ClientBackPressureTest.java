package io.coord.server.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerConfig;
import io.coord.server.net.ClientServer;
import io.coord.server.session.Clock;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.RecoveredState;
import io.coord.server.zab.StorageOp;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ExistsRequest;
import io.coord.wire.Frames;
import io.coord.wire.JuteWriter;
import io.coord.wire.OpCode;
import io.coord.wire.RequestHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that flood a stuck request thread: the event loops never block (a new connection's ruok is
 * answered at once), the connections that keep sending stop being read once the request thread's
 * backlog passes its high-water mark (so the backlog stays near that mark instead of growing with
 * every request on the wire), and once the request thread moves again every connection is read
 * again and every request and session is answered. Before, the event loops blocked in the request
 * thread's full queue: nothing on them (new connections, ruok, other sessions) was served.
 */
class ClientBackPressureTest {
    private static final int FLOODERS = 70;
    private static final int REQUESTS_EACH = 1000;
    private static final int PATH_CHARS = 580;
    /** One Netty read (at most 64 KiB) of ~600-byte requests may still arrive after a pause. */
    private static final int OVERSHOOT_EACH = 128;

    @TempDir
    Path dir;

    @Test
    void floodingClientsArePausedAndResumedAndTheEventLoopsNeverBlock() {
        // Preemptive: before the fix, the blocked event loops hung even the clean-up.
        assertTimeoutPreemptively(Duration.ofSeconds(240), this::flood);
    }

    private void flood() throws Exception {
        AtomicReference<EnsembleProcessor> ref = new AtomicReference<>();
        AtomicBoolean stallNext = new AtomicBoolean();
        AtomicBoolean stalled = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).maxClientCnxns(0).build();
        Clock clock = Clock.system();
        EnsembleProcessor processor = new EnsembleProcessor(config, clock,
                MemberState.empty(clock, config.tickTimeMs(), config.myId(), new byte[32]), 0,
                sp -> new ZabCore(new ZabConfig(config.myId(), Set.of(config.myId()), 10, 10, 2, 1000),
                        RecoveredState.empty(), sp, new SplittableRandom(1)),
                50, new StallingStorage(ref, stallNext, stalled, release), NO_PEERS,
                StorageInfo.of(dir, dir, () -> 0, () -> 0, () -> 0), new byte[32], new SplittableRandom(2),
                FatalHandler.HALT, RequestLoop.Factory.thread(clock));
        ref.set(processor);
        processor.start();
        assertTrue(processor.awaitServing(10_000), "the one-voter member leads");
        ClientServer server = ClientServer.start(config, processor);
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            int port = server.localAddress().getPort();
            Socket observer = open(port, sockets);
            handshake(observer);
            List<Socket> flooders = new ArrayList<>();
            for (int i = 0; i < FLOODERS; i++) {
                Socket s = open(port, sockets);
                handshake(s);
                flooders.add(s);
            }
            stallNext.set(true);
            Socket latecomer = open(port, sockets);
            latecomer.getOutputStream().write(connectFrame());
            await().atMost(Duration.ofSeconds(10)).untilTrue(stalled);

            AtomicInteger answered = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (Socket s : flooders) {
                Thread t = new Thread(() -> {
                    try {
                        send(s);
                        readReplies(s, REQUESTS_EACH);
                        answered.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        failures.add(e);
                    }
                }, "test-flooder");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            int bound = RequestThread.DEFAULT_HIGH_WATER + FLOODERS * OVERSHOOT_EACH;
            await().atMost(Duration.ofSeconds(60)).until(() -> server.backlogPauses() > 0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20))
                    .until(() -> processor.queuedTasks() <= bound);
            assertEquals("imok", ruok(port), "an event loop answers while the request thread is stuck");
            assertTrue(processor.queuedTasks() < FLOODERS * REQUESTS_EACH, "reads were paused");
            System.out.printf("backlog while stuck: %d tasks (high-water mark %d, bound %d), %d pauses%n",
                    processor.queuedTasks(), RequestThread.DEFAULT_HIGH_WATER, bound, server.backlogPauses());

            release.countDown();
            await().atMost(Duration.ofSeconds(120)).until(() -> answered.get() + failures.size() == FLOODERS);
            assertTrue(failures.isEmpty(), failures.toString());
            readReplies(latecomer, 0); // its handshake reply
            ping(observer);
        } finally {
            release.countDown();
            for (Socket s : sockets) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
            server.close();
            processor.close();
        }
    }

    /** The member links of the only voter: nobody to talk to. */
    private static final QuorumLink NO_PEERS = new QuorumLink() {
        @Override
        public void send(long to, ZabMessage message) {
        }

        @Override
        public void forward(long to, ForwardedRequest request) {
        }

        @Override
        public void touch(long to, long[] sessionIds) {
        }
    };

    /**
     * Storage that makes every op durable at once, but holds the request thread in {@code submit}
     * once asked to: as a storage queue that is full holds it.
     */
    private record StallingStorage(AtomicReference<EnsembleProcessor> ref, AtomicBoolean stallNext,
                                   AtomicBoolean stalled, CountDownLatch release) implements ZabStorage {
        @Override
        public void submit(List<StorageOp> ops) {
            if (stallNext.getAndSet(false)) {
                stalled.set(true);
                waitFor(release);
            }
            ref.get().persisted(ops.get(ops.size() - 1).seq());
        }

        @Override
        public long durableZxid() {
            return 0;
        }

        @Override
        public boolean snapshotInProgress() {
            return false;
        }

        @Override
        public void snapshot(TreeSnapshot view, byte[] sessions) {
            view.close();
        }

        @Override
        public long fsyncCount() {
            return 0;
        }

        @Override
        public long fsyncTotalMicros() {
            return 0;
        }

        @Override
        public long fsyncMaxMicros() {
            return 0;
        }
    }

    private static Socket open(int port, List<Socket> sockets) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(60_000);
        s.setTcpNoDelay(true);
        return s;
    }

    private static byte[] connectFrame() {
        return Frames.frame(new ConnectRequest(0, 0, 30_000, 0, new byte[16], false));
    }

    private static void handshake(Socket s) throws IOException {
        s.getOutputStream().write(connectFrame());
        readFrame(s);
    }

    /** Requests of about 600 bytes (exists of a long missing path), written in chunks. */
    private static void send(Socket s) throws IOException {
        String path = "/" + "p".repeat(PATH_CHARS);
        OutputStream out = s.getOutputStream();
        JuteWriter chunk = new JuteWriter(64 * 1024);
        for (int i = 1; i <= REQUESTS_EACH; i++) {
            Frames.writeFramed(chunk, new RequestHeader(i, OpCode.EXISTS), new ExistsRequest(path, false));
            if (i % 50 == 0) {
                out.write(chunk.array(), 0, chunk.size());
                chunk.reset();
            }
        }
        out.flush();
    }

    /** Reads {@code count} replies after the handshake reply ({@code count} 0: the handshake reply only). */
    private static void readReplies(Socket s, int count) throws IOException {
        for (int i = 0; i < Math.max(1, count); i++) {
            readFrame(s);
        }
    }

    private static void ping(Socket s) throws IOException {
        s.getOutputStream().write(Frames.frame(new RequestHeader(-2, OpCode.PING)));
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readInt();
        byte[] reply = in.readNBytes(length);
        assertEquals(-2, java.nio.ByteBuffer.wrap(reply).getInt(), "the ping's reply");
    }

    private static void readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readInt();
        in.readNBytes(length);
    }

    private static String ruok(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
