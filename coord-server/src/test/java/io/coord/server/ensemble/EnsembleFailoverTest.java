package io.coord.server.ensemble;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failover and catch-up of a 3-member ensemble with real kill -9. */
class EnsembleFailoverTest {
    @TempDir
    Path dir;
    EnsembleCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new EnsembleCluster(dir, 3);
        cluster.startAll();
        awaitServing(3);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private void awaitServing(int members) {
        cluster.awaitLeaderAnd("ensemble not serving", () -> serving() == members);
    }

    private int serving() {
        int n = 0;
        for (int id = 1; id <= cluster.size(); id++) {
            String mode = cluster.alive(id) ? cluster.mode(id) : null;
            if ("leader".equals(mode) || "follower".equals(mode)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void leaderKilledUnderLoadLosesNoAcknowledgedWriteAndRejoinsByDiff() throws Exception {
        int leader = cluster.leader();
        ZooKeeper zk = EnsembleCluster.connect(cluster.connectString());
        zk.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        AtomicLong killedAtNanos = new AtomicLong();
        AtomicLong firstAckAfterKillNanos = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                String path = "/load/n" + (n++);
                try {
                    zk.create(path, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    acked.add(path);
                    long killed = killedAtNanos.get();
                    if (killed != 0) {
                        firstAckAfterKillNanos.compareAndSet(0, System.nanoTime());
                    }
                } catch (KeeperException e) {
                    sleepQuietly(20); // connection loss etc.: unknown outcome, not acknowledged
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "writer");
        writer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 200);
            cluster.kill9(leader);
            killedAtNanos.set(System.nanoTime());
            int before = acked.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= before + 100);
        } finally {
            stop.set(true);
            writer.join(20_000);
        }
        long failoverMs = (firstAckAfterKillNanos.get() - killedAtNanos.get()) / 1_000_000;
        System.out.println("FAILOVER_MS=" + failoverMs + " (leader " + leader + " killed; acked " + acked.size() + ")");
        Files.writeString(dir.getParent().resolve("failover-ms.txt"), failoverMs + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        zk.close();

        Set<String> expected = new HashSet<>(acked);
        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                assertAllPresent(id, expected);
            }
        }
        cluster.start(leader);
        awaitServing(3);
        assertAllPresent(leader, expected);
        assertFalse(output(leader).contains("installed the leader's snapshot"), "a short absence syncs by DIFF");
    }

    @Test
    void memberDownForManyWritesRejoinsBySnapshot() throws Exception {
        int leader = cluster.leader();
        int follower = leader == 3 ? 2 : 3;
        cluster.kill9(follower);
        int writes = 1_500; // beyond the leader's in-memory history (1000): DIFF is impossible
        try (ZooKeeper zk = EnsembleCluster.connect(cluster.connectString(leader))) {
            zk.create("/many", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CountDownLatch done = new CountDownLatch(writes);
            for (int i = 0; i < writes; i++) {
                zk.create("/many/n" + i, new byte[20], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> done.countDown(), null);
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            zk.create("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            cluster.start(follower);
            awaitServing(3);
            try (ZooKeeper r = EnsembleCluster.connect(cluster.connectString(follower))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> r.getChildren("/many", false).size() == writes);
                // /eph came after the /many writes awaited above: sync r's member before reading it.
                CompletableFuture<Integer> synced = new CompletableFuture<>();
                r.sync("/eph", (rc, p, ctx) -> synced.complete(rc), null);
                assertEquals(0, synced.get(20, TimeUnit.SECONDS));
                assertEquals(zk.getSessionId(), r.exists("/eph", false).getEphemeralOwner());
            }
        }
        assertTrue(output(follower).contains("installed the leader's snapshot"), "expected a SNAP sync");
        // the closed session's ephemeral goes on the member that learnt the session from the snapshot
        try (ZooKeeper r = EnsembleCluster.connect(cluster.connectString(follower))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> r.exists("/eph", false) == null);
        }
    }

    private void assertAllPresent(int id, Set<String> expected) throws Exception {
        try (ZooKeeper r = EnsembleCluster.connect(cluster.connectString(id))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<String> children = r.getChildren("/load", false);
                Set<String> have = new HashSet<>();
                children.forEach(c -> have.add("/load/" + c));
                return have.containsAll(expected);
            });
        }
    }

    private String output(int id) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("member" + id + "-")).toList()) {
                sb.append(Files.readString(p));
            }
        }
        return sb.toString();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
