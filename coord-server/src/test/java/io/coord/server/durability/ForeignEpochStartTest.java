package io.coord.server.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.Zxid;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone data directory whose snapshot is at a zxid of a later epoch and that has no epochs
 * file: what {@code coord-admin import-zookeeper} writes for a standalone target from a ZooKeeper
 * ensemble's data (its zxids carry the ensemble's epoch). The one-voter member must lead an epoch
 * above it; with the epochs read as 0 it led epoch 1 and its first proposal, 0x100000001, came
 * before the snapshot's zxid.
 */
class ForeignEpochStartTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotOfALaterEpochWithoutAnEpochsFileStartsAndTakesWrites() throws Exception {
        long imported = Zxid.make(5, 0x1b);
        SessionTracker tracker = new SessionTracker(Clock.system(), 2000, 0, new byte[32]);
        try (TreeSnapshot view = new DataTree().beginSnapshot(imported)) {
            new SnapshotStore(dir).write(imported, view.sortedNodes(), tracker.serialize());
        }
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).build();
        List<String> fatals = new CopyOnWriteArrayList<>();
        CoordServer.Hooks hooks = new CoordServer.Hooks((what, cause) -> fatals.add(what), LogIo.REAL, null);
        try (CoordServer server = CoordServer.start(config, hooks)) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
                zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Stat stat = zk.exists("/after", false);
                assertTrue(stat.getCzxid() > imported, Long.toHexString(stat.getCzxid()) + " after the import's 0x"
                        + Long.toHexString(imported));
                assertEquals(6, Zxid.epochOf(stat.getCzxid()), "the epoch after the import's");
            } finally {
                zk.close();
            }
        }
        assertTrue(fatals.isEmpty(), fatals.toString());
    }
}
