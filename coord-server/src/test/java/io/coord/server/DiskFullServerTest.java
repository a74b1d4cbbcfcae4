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

import io.coord.server.config.ServerConfig;
import io.coord.server.storage.FaultyLogIo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
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
        try (Socket s = new Socket("127.0.0.1", server.clientPort())) {
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static long count(List<WatchedEvent> events, Watcher.Event.KeeperState state) {
        return events.stream().filter(e -> e.getType() == Watcher.Event.EventType.None && e.getState() == state).count();
    }

    /**
     * Standalone is a one-voter ensemble, and a member whose log disk fills up stops and starts
     * again from disk once there is room ({@code MemberSupervisor}): the write that hit the full disk
     * is never acknowledged nor applied, every acknowledged one survives, and the client comes back
     * to the same session on the same port.
     */
    @Test
    void aFullDiskStopsTheServerWithoutLosingAnAckAndItComesBackOnTheSamePort() throws Exception {
        server = start(0);
        int port = server.clientPort();
        ZooKeeper writer = client(new CopyOnWriteArrayList<>());
        create(writer, "/a", "1");
        long session = writer.getSessionId();

        io.full.set(true);
        space.set(false);
        AtomicInteger rc = new AtomicInteger(Integer.MIN_VALUE);
        CountDownLatch answered = new CountDownLatch(1);
        writer.create("/w", bytes("lost"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                (code, path, ctx, name) -> {
                    rc.set(code);
                    answered.countDown();
                }, null);
        assertTrue(answered.await(20, TimeUnit.SECONDS), "the member stopped: the client lost its connection");
        assertEquals(KeeperException.Code.CONNECTIONLOSS.intValue(), rc.get(), "not acknowledged");
        assertEquals(1, io.refusedWrites.get(), "exactly one log write hit the full disk");
        assertTrue(fatals.isEmpty(), "a full disk is not fatal: " + fatals);

        io.full.set(false);
        space.set(true);
        await().atMost(WAIT).ignoreException(KeeperException.ConnectionLossException.class)
                .until(() -> create(writer, "/c", "3") != null);
        assertEquals(session, writer.getSessionId(), "the session survived the stop");
        assertEquals(port, server.clientPort(), "started again on the same port");
        assertArrayEquals(bytes("1"), writer.getData("/a", false, null));
        assertNull(writer.exists("/w", false), "the write the disk could not take was never applied");
        assertEquals("imok", fourLetterWord("ruok"));
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
