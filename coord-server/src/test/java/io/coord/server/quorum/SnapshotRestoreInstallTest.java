package io.coord.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing a restored snapshot into a stopped server's directories: all or nothing. */
class SnapshotRestoreInstallTest {

    private static ServerConfig config(Path dir) {
        return ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).snapCount(10).build();
    }

    private static ZooKeeper connect(CoordServer server) throws Exception {
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(20, java.util.concurrent.TimeUnit.SECONDS), "connected");
        return zk;
    }

    private static void create(CoordServer server, String prefix, int count) throws Exception {
        ZooKeeper zk = connect(server);
        for (int i = 0; i < count; i++) {
            zk.create("/" + prefix + i, prefix.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
        }
        zk.close();
    }

    @Test
    void aFileDamagedAfterItsCheckLeavesTheOldStateAndAGoodOneReplacesIt(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("source");
        try (CoordServer a = CoordServer.start(config(source))) {
            create(a, "a", 30); // snapCount 10: snapshots are written
        }
        List<String> listed = new SnapshotStore(source).listing().snapshotFileNames();
        Path good = Files.copy(source.resolve("version-1").resolve(listed.get(listed.size() - 1)), tmp.resolve("g"));
        SnapshotRestore.Verified v = SnapshotRestore.verify(good, null, Clock.system());
        byte[] bytes = Files.readAllBytes(good);
        bytes[bytes.length - 30] ^= 4;
        Path damaged = Files.write(tmp.resolve("d"), bytes);

        Path target = tmp.resolve("target");
        try (CoordServer b = CoordServer.start(config(target))) {
            create(b, "old", 3);
        }
        // Damage met while installing (the file changed after its check): nothing changes.
        assertThrows(CorruptFileException.class, () -> SnapshotRestore.install(target, target, damaged, v));
        try (CoordServer b = CoordServer.start(config(target))) {
            ZooKeeper zk = connect(b);
            assertNotNull(zk.exists("/old2", false));
            assertNull(zk.exists("/a0", false));
            zk.close();
        }
        long zxid = SnapshotRestore.install(target, target, good, v);
        assertTrue(zxid >= v.zxid(), Long.toHexString(zxid));
        try (CoordServer b = CoordServer.start(config(target))) {
            ZooKeeper zk = connect(b);
            assertNull(zk.exists("/old2", false));
            assertEquals(v.nodeCount(), countNodes(zk, "/"));
            zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertTrue(zk.exists("/after", false).getCzxid() > zxid, "new writes come after the installed zxid");
            zk.close();
        }
    }

    private static long countNodes(ZooKeeper zk, String path) throws Exception {
        long n = 1;
        for (String child : zk.getChildren(path, false)) {
            n += countNodes(zk, (path.equals("/") ? "" : path) + "/" + child);
        }
        return n;
    }
}
