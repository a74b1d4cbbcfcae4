package io.coord.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shortest end-to-end path: stock client, in-process server, CRUD, a watch, a restart. */
class StandaloneSmokeTest {

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
        return zk;
    }

    @Test
    void crudWatchAndRestart(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).build();
        int port;
        try (CoordServer server = CoordServer.start(config)) {
            port = server.clientPort();
            ZooKeeper zk = connect(port);
            try {
                assertEquals("/a", zk.create("/a", "v1".getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
                Stat stat = new Stat();
                assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), zk.getData("/a", events::add, stat));
                assertEquals(0, stat.getVersion());
                Stat after = zk.setData("/a", "v2".getBytes(StandardCharsets.UTF_8), 0);
                assertEquals(1, after.getVersion());
                WatchedEvent event = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(event);
                assertEquals(Watcher.Event.EventType.NodeDataChanged, event.getType());
                assertThrows(KeeperException.BadVersionException.class, () -> zk.setData("/a", new byte[0], 0));
                String seq = zk.create("/a/s-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL);
                assertEquals("/a/s-0000000000", seq);
                assertEquals(List.of("s-0000000000"), zk.getChildren("/a", false));
                zk.delete(seq, -1);
                assertThrows(KeeperException.NoNodeException.class, () -> zk.delete(seq, -1));
            } finally {
                zk.close();
            }
        }
        ServerConfig again = ServerConfig.builder(dir).clientPort(port).tickTimeMs(200).build();
        try (CoordServer server = CoordServer.start(again)) {
            ZooKeeper zk = connect(server.clientPort());
            try {
                Stat stat = new Stat();
                assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), zk.getData("/a", false, stat));
                assertEquals(1, stat.getVersion());
                assertNull(zk.exists("/a/s-0000000000", false));
            } finally {
                zk.close();
            }
        }
    }
}
