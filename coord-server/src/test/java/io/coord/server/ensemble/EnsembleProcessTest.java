package io.coord.server.ensemble;

import static io.coord.server.ensemble.EnsembleCluster.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3-member ensemble in three JVMs, driven by the stock ZooKeeper client. */
class EnsembleProcessTest {
    @TempDir
    Path dir;
    EnsembleCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new EnsembleCluster(dir, 3);
        cluster.startAll();
        cluster.awaitLeaderAnd("no leader", () -> cluster.count("follower") == 2);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void writesThroughAnyMemberAreReadEverywhere() throws Exception {
        int leader = cluster.leader();
        for (int id = 1; id <= 3; id++) {
            try (ZooKeeper zk = connect(cluster.connectString(id))) {
                zk.create("/from" + id, ("v" + id).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                // read-your-writes on the member that took the write
                assertArrayEquals(("v" + id).getBytes(StandardCharsets.UTF_8), zk.getData("/from" + id, false, null));
                zk.setData("/from" + id, "w".getBytes(StandardCharsets.UTF_8), 0);
            }
        }
        for (int id = 1; id <= 3; id++) {
            try (ZooKeeper zk = connect(cluster.connectString(id))) {
                zk.sync("/", (rc, path, ctx) -> { }, null);
                await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/from3", false) != null);
                for (int w = 1; w <= 3; w++) {
                    assertArrayEquals("w".getBytes(StandardCharsets.UTF_8), zk.getData("/from" + w, false, null),
                            "member " + id + " (leader " + leader + ") reads /from" + w);
                }
            }
        }
        assertTrue(cluster.zxid(leader) > 0);
    }

    @Test
    void ephemeralsVanishEverywhereWhenTheSessionCloses() throws Exception {
        int follower = cluster.leader() == 1 ? 2 : 1;
        ZooKeeper owner = connect(cluster.connectString(follower));
        owner.create("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        ZooKeeper[] readers = new ZooKeeper[3];
        try {
            for (int id = 1; id <= 3; id++) {
                readers[id - 1] = connect(cluster.connectString(id));
                ZooKeeper r = readers[id - 1];
                await().atMost(Duration.ofSeconds(10)).until(() -> r.exists("/eph", false) != null);
                assertEquals(owner.getSessionId(), r.exists("/eph", false).getEphemeralOwner());
            }
            owner.close();
            for (ZooKeeper r : readers) {
                await().atMost(Duration.ofSeconds(10)).until(() -> r.exists("/eph", false) == null);
                assertNull(r.exists("/eph", false));
            }
        } finally {
            for (ZooKeeper r : readers) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    @Test
    void errorsAndMultiComeBackInOrderFromAFollower() throws Exception {
        int follower = cluster.leader() == 1 ? 2 : 1;
        try (ZooKeeper zk = connect(cluster.connectString(follower))) {
            zk.create("/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            try {
                zk.create("/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                throw new AssertionError("second create succeeded");
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException expected) {
                assertNotNull(expected.getMessage());
            }
            String seq = zk.create("/x/s-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            assertEquals("/x/s-0000000000", seq);
            var results = zk.multi(java.util.List.of(
                    org.apache.zookeeper.Op.create("/x/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    org.apache.zookeeper.Op.setData("/x", new byte[] {1}, -1)));
            assertEquals(2, results.size());
            assertEquals(2, zk.getChildren("/x", false).size());
        }
    }
}
