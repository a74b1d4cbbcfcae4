package io.coord.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.FourLetterWords;
import io.coord.server.config.ServerConfig;
import io.coord.server.storage.FaultyLogIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server whose log disk fills up or breaks, driven by the stock ZooKeeper client.
 * The disk faults are injected below the txn log ({@link FaultyLogIo}); {@code DiskFullTmpfsTest}
 * does the same on a real, tiny file system.
 */
class DiskFullServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final FaultyLogIo io = new FaultyLogIo();
    private final AtomicBoolean space = new AtomicBoolean(true);
    private final List<String> fatals = new CopyOnWriteArrayList<>();
    private final List<ZooKeeper> clients = new CopyOnWriteArrayList<>();
    private CoordServer server;

    @AfterEach
    void tearDown() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close(1000);
        }
        if (server != null) {
            server.close();
        }
    }

    private CoordServer start(int port) throws IOException {
        ServerConfig config = ServerConfig.builder(dir).clientPort(port).tickTimeMs(200)
                .fourLetterWords(Set.of("srvr", "mntr", "ruok")).build();
        return CoordServer.start(config, new CoordServer.Hooks((what, cause) -> fatals.add(what), io, space::get));
    }

    private ZooKeeper client(List<WatchedEvent> events) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
            events.add(e);
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

    private static String create(ZooKeeper zk, String path, String data) throws Exception {
        return zk.create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private String fourLetterWord(String word) throws IOException {
        String answer = FourLetterWords.ask(
                new java.net.InetSocketAddress("127.0.0.1", server.clientPort()), word);
        if (answer == null) {
            throw new IOException("no answer to " + word);
        }
        return answer;
    }

    private static long count(List<WatchedEvent> events, Watcher.Event.KeeperState state) {
        return events.stream().filter(e -> e.getType() == Watcher.Event.EventType.None && e.getState() == state).count();
    }

    @Test
    void fullDiskRefusesWritesKeepsReadsAndSessionsAndResumesWithoutLosingAnAck() throws Exception {
        server = start(0);
        List<WatchedEvent> writerEvents = new CopyOnWriteArrayList<>();
        ZooKeeper writer = client(writerEvents);
        create(writer, "/a", "1");
        List<WatchedEvent> watcherEvents = new CopyOnWriteArrayList<>();
        ZooKeeper watcher = client(watcherEvents);
        assertNull(watcher.exists("/w", true));
        long writerSession = writer.getSessionId();

        io.full.set(true);
        space.set(false);
        // In flight when the disk fills: proposed, then dropped by the log (nothing is applied before
        // it is durable, so nobody saw it).
        assertThrows(KeeperException.ThrottledOpException.class, () -> create(writer, "/w", "lost"));
        assertNull(writer.exists("/w", false), "the write the log could not take is not visible");
        assertArrayEquals(bytes("1"), writer.getData("/a", false, null), "reads are served");
        // Refused up front now, before anything is applied.
        assertThrows(KeeperException.ThrottledOpException.class, () -> writer.setData("/a", bytes("2"), -1));
        assertThrows(KeeperException.ThrottledOpException.class, () -> writer.delete("/a", -1));
        assertArrayEquals(bytes("1"), writer.getData("/a", false, null));
        assertEquals(writerSession, writer.getSessionId());
        assertEquals(ZooKeeper.States.CONNECTED, writer.getState());
        assertEquals(0, count(writerEvents, Watcher.Event.KeeperState.Disconnected), "the writer's session never wavered");
        assertEquals(1, io.refusedWrites.get(), "exactly one log write hit the full disk");

        // The watcher never saw the txn that did not happen: no NodeCreated, and (the tree holds only
        // durable txns) no dropped connection either; its watch stays set.
        assertTrue(watcherEvents.stream().noneMatch(e -> e.getType() == Watcher.Event.EventType.NodeCreated));
        assertEquals(0, count(watcherEvents, Watcher.Event.KeeperState.Disconnected), "the watcher's session never wavered");

        String srvr = fourLetterWord("srvr");
        assertTrue(srvr.contains("DISK FULL"), srvr);
        assertTrue(fourLetterWord("mntr").contains("zk_coord_disk_full\t1"));
        assertEquals("imok", fourLetterWord("ruok"), "the server is alive: reads and sessions work");

        // A new session is a txn too: refused (the connection is closed) until there is room.
        List<WatchedEvent> lateEvents = new CopyOnWriteArrayList<>();
        ZooKeeper late = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, lateEvents::add);
        clients.add(late);

        io.full.set(false);
        space.set(true);
        await().atMost(WAIT).ignoreException(KeeperException.ThrottledOpException.class)
                .until(() -> create(writer, "/c", "3") != null);
        assertEquals(writerSession, writer.getSessionId());
        await().atMost(WAIT).until(() -> late.getState() == ZooKeeper.States.CONNECTED);
        create(late, "/w", "real");
        await().atMost(WAIT).until(() -> watcherEvents.stream().anyMatch(
                e -> e.getType() == Watcher.Event.EventType.NodeCreated && "/w".equals(e.getPath())));
        assertTrue(fourLetterWord("mntr").contains("zk_coord_disk_full\t0"));
        assertTrue(fourLetterWord("mntr").contains("zk_coord_disk_full_events\t1"));
        assertTrue(fatals.isEmpty(), fatals.toString());

        int port = server.clientPort();
        for (ZooKeeper zk : clients) {
            zk.close(1000);
        }
        clients.clear();
        server.close();
        server = start(port);
        ZooKeeper after = client(new CopyOnWriteArrayList<>());
        assertArrayEquals(bytes("1"), after.getData("/a", false, null));
        assertArrayEquals(bytes("3"), after.getData("/c", false, null));
        assertArrayEquals(bytes("real"), after.getData("/w", false, null), "zxids reused after the rollback replay cleanly");
    }

    @Test
    void aSessionCreatedAsTheDiskFillsIsTakenBackAndTheClientGetsOneWhenThereIsRoom() throws Exception {
        server = start(0);
        ZooKeeper first = client(new CopyOnWriteArrayList<>());
        assertTrue(fourLetterWord("mntr").contains("zk_global_sessions\t1"));
        io.full.set(true);
        space.set(false);
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        ZooKeeper late = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, events::add);
        clients.add(late);
        // Its createSession txn is the write that hits the full disk: rolled back, connection closed.
        await().atMost(WAIT).until(() -> io.refusedWrites.get() == 1);
        await().atMost(WAIT).until(() -> fourLetterWord("srvr").contains("DISK FULL"));
        assertTrue(fourLetterWord("mntr").contains("zk_global_sessions\t1"), "the session was taken back");
        assertEquals(ZooKeeper.States.CONNECTED, first.getState());
        io.full.set(false);
        space.set(true);
        await().atMost(WAIT).until(() -> late.getState() == ZooKeeper.States.CONNECTED);
        create(late, "/late", "x");
        assertArrayEquals(bytes("x"), first.getData("/late", false, null));
        assertTrue(fourLetterWord("mntr").contains("zk_global_sessions\t2"));
        assertTrue(fatals.isEmpty(), fatals.toString());
    }

    @Test
    void failedFsyncIsFatalAndReleasesNoReply() throws Exception {
        server = start(0);
        ZooKeeper zk = client(new CopyOnWriteArrayList<>());
        create(zk, "/a", "1");
        io.forceFails.set(true);
        AtomicInteger rc = new AtomicInteger(Integer.MIN_VALUE);
        CountDownLatch answered = new CountDownLatch(1);
        zk.create("/x", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (code, path, ctx, name) -> {
            rc.set(code);
            answered.countDown();
        }, null);
        await().atMost(WAIT).until(() -> !fatals.isEmpty());
        assertEquals(1, fatals.size(), fatals.toString());
        assertTrue(fatals.get(0).contains("log failed"), fatals.get(0));
        assertEquals(1, answered.getCount(), "no reply for a write that was not made durable");
        server.close();
        server = null;
        assertTrue(answered.await(20, TimeUnit.SECONDS));
        assertNotEquals(KeeperException.Code.OK.intValue(), rc.get());
        assertEquals(1, fatals.size(), "reported once");
        assertFalse(io.failedForces.get() == 0);
        assertNotNull(zk);
    }
}
