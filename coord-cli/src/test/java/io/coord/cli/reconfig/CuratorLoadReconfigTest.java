package io.coord.cli.reconfig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, scenarios d and e: Curator 5.9's EnsembleTracker follows the membership through a grow
 * (3 to 5) and a shrink that removes two of the first members (1 and 2, the leader possibly among
 * them), while a few Curator clients write sequential nodes; every create that was acknowledged is
 * present on every remaining member at the end.
 */
class CuratorLoadReconfigTest {
    private static final int WRITERS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void trackerFollowsAndNoAckedWriteIsLost(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            ensemble.startJoiners(4, 5);
            List<CuratorFramework> writers = new ArrayList<>();
            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            try (ZooKeeperAdmin admin = ensemble.admin(ensemble.connectString(1, 2, 3), true)) {
                for (int w = 0; w < WRITERS; w++) {
                    CuratorFramework c = CuratorFrameworkFactory.builder()
                            .connectString(ensemble.connectString(1, 2, 3)).ensembleTracker(true)
                            .sessionTimeoutMs(15_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(200))
                            .build();
                    c.start();
                    assertTrue(c.blockUntilConnected(30, TimeUnit.SECONDS));
                    writers.add(c);
                }
                writers.get(0).create().forPath("/load");
                for (int w = 0; w < WRITERS; w++) {
                    threads.add(writer(writers.get(w), "w" + w, stop, acked, failed));
                }
                awaitMoreAcks(acked, 20);
                ReconfigEnsemble.reconfigureOnceSynced(
                        () -> admin.reconfigure(ensemble.serverLines(4, 5), null, null, -1, new Stat()));
                awaitMoreAcks(acked, 20);
                byte[] last = removeFirstTwo(ensemble, admin);
                awaitMoreAcks(acked, 20);
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
                String expected = new TreeSet<>(List.of(hostPort(ensemble, 3), hostPort(ensemble, 4),
                        hostPort(ensemble, 5))).toString();
                for (CuratorFramework c : writers) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> sorted(
                            c.getZookeeperClient().getCurrentConnectionString()).equals(expected));
                    assertEquals(ConfigText.of(last).version(), c.getCurrentConfig().getVersion(),
                            "Curator's current config is the last one");
                }
                System.out.println(target + ": " + acked.size() + " acked creates, " + failed.get()
                        + " failed or unknown; Curator's connect string " + expected);
            } finally {
                stop.set(true);
                writers.forEach(CuratorFramework::close);
            }
            for (int id : new int[] {3, 4, 5}) {
                assertEquals(Set.of(), missing(ensemble, id, acked), "acked creates missing on member " + id);
            }
        }
    }

    /**
     * Removes members 1 and 2. The member the admin session is on (or the leader) may be among them
     * and drop the session before the reply leaves, as ZooKeeper's do (docs/RECONFIG-ORACLE.md): then
     * the change is read back from member 3, as an operator would, and must have committed. Members 4
     * and 5 may still be rejoining as voters after the grow: NewConfigNoQuorum is retried.
     */
    private static byte[] removeFirstTwo(ReconfigEnsemble ensemble, ZooKeeperAdmin admin) throws Exception {
        try {
            return ReconfigEnsemble.reconfigureOnceSynced(() -> admin.reconfigure(null, "1,2", null, -1, new Stat()));
        } catch (org.apache.zookeeper.KeeperException.ConnectionLossException e) {
            CountDownLatch connected = new CountDownLatch(1);
            try (ZooKeeper zk = new ZooKeeper(ensemble.connectString(3), 15_000, ev -> connected.countDown())) {
                assertTrue(connected.await(30, TimeUnit.SECONDS));
                byte[][] config = new byte[1][];
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    config[0] = zk.getConfig(false, new Stat());
                    String text = new String(config[0], java.nio.charset.StandardCharsets.UTF_8);
                    return !text.contains("server.1=") && !text.contains("server.2=");
                });
                System.out.println("reconfig reply lost (" + e.getMessage() + "); member 3 shows the change committed");
                return config[0];
            }
        }
    }

    private static String hostPort(ReconfigEnsemble ensemble, int id) {
        return "127.0.0.1:" + ensemble.clientPort(id);
    }

    private static String sorted(String connectString) {
        return new TreeSet<>(Arrays.asList(connectString.split(","))).toString();
    }

    private static Thread writer(CuratorFramework c, String name, AtomicBoolean stop, Set<String> acked,
                                 AtomicInteger failed) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try {
                    acked.add(c.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath("/load/" + name + "-"));
                } catch (Exception e) {
                    failed.incrementAndGet(); // lost connection or moving members: outcome unknown, not counted
                    ReconfigEnsemble.sleep(50);
                }
            }
        }, "reconfig-writer-" + name);
        t.start();
        return t;
    }

    private static void awaitMoreAcks(Set<String> acked, int more) {
        int target = acked.size() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= target);
    }

    /** The acked paths member {@code id} (read alone, after a sync) does not have. */
    private static Set<String> missing(ReconfigEnsemble ensemble, int id, Set<String> acked) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(ensemble.connectString(id), 15_000, e -> connected.countDown())) {
            assertTrue(connected.await(30, TimeUnit.SECONDS));
            CountDownLatch synced = new CountDownLatch(1);
            zk.sync("/load", (rc, path, ctx) -> synced.countDown(), null);
            assertTrue(synced.await(30, TimeUnit.SECONDS));
            Set<String> present = new HashSet<>();
            for (String child : zk.getChildren("/load", false)) {
                present.add("/load/" + child);
            }
            Set<String> missing = new TreeSet<>(acked);
            missing.removeAll(present);
            return missing;
        }
    }
}
