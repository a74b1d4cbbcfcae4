package io.coord.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerConfig;
import io.coord.server.storage.LogIo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output gate is per connection: while one session's write waits for its fsync, another
 * session's read is answered at once (from the committed tree), and only the writer's own later
 * read waits behind its write. (The standalone pipeline before 2026-12-03 held every reply behind
 * any pending fsync.)
 */
class PerConnectionOrderTest {
    @TempDir
    Path dir;

    /** A disk whose forces can be held until released. */
    private static final class HeldForces implements LogIo {
        final AtomicBoolean hold = new AtomicBoolean();
        final AtomicInteger waiting = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void write(FileChannel channel, ByteBuffer buf) throws IOException {
            LogIo.REAL.write(channel, buf);
        }

        @Override
        public void force(FileChannel channel, boolean metaData) throws IOException {
            if (hold.get()) {
                waiting.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while held");
                }
            }
            LogIo.REAL.force(channel, metaData);
        }
    }

    private final HeldForces io = new HeldForces();
    private final List<String> fatals = new CopyOnWriteArrayList<>();
    private final List<ZooKeeper> clients = new CopyOnWriteArrayList<>();
    private CoordServer server;

    @AfterEach
    void tearDown() throws Exception {
        io.release.countDown();
        for (ZooKeeper zk : clients) {
            zk.close(1000);
        }
        if (server != null) {
            server.close();
        }
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        clients.add(zk);
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
        return zk;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static CompletableFuture<byte[]> read(ZooKeeper zk, String path) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        zk.getData(path, false, (rc, p, ctx, data, stat) -> {
            if (rc == 0) {
                f.complete(data);
            } else {
                f.completeExceptionally(new AssertionError("rc " + rc));
            }
        }, null);
        return f;
    }

    @Test
    void aReadWaitsOnlyBehindItsOwnConnectionsWritesNeverAnotherSessionsFsync() throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(500).build();
        server = CoordServer.start(config, new CoordServer.Hooks((what, cause) -> fatals.add(what), io, null));
        ZooKeeper writer = connect();
        ZooKeeper reader = connect();
        writer.create("/n", bytes("v0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        io.hold.set(true);
        CompletableFuture<Integer> write = new CompletableFuture<>();
        writer.setData("/n", bytes("v1"), -1, (rc, p, ctx, stat) -> write.complete(rc), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> io.waiting.get() > 0);
        CompletableFuture<byte[]> ownRead = read(writer, "/n");

        // Another session's read is answered while the write's fsync is held, with the committed value.
        assertArrayEquals(bytes("v0"), read(reader, "/n").get(10, TimeUnit.SECONDS));
        // The writer's own read waits behind its write (it must see it).
        assertFalse(ownRead.isDone(), "the writer's read overtook its own pending write");
        assertFalse(write.isDone(), "the write was acknowledged before its fsync");

        io.hold.set(false);
        io.release.countDown();
        assertEquals(0, write.get(10, TimeUnit.SECONDS));
        assertArrayEquals(bytes("v1"), ownRead.get(10, TimeUnit.SECONDS));
        assertTrue(fatals.isEmpty(), fatals.toString());
    }
}
