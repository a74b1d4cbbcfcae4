package io.coord.cli.reconfig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * A write load for the reconfig scenarios: a few Curator clients with {@code ensembleTracker(true)}
 * (so their connect strings follow /zookeeper/config), each creating sequential nodes under
 * {@code /load} in a loop and recording the paths whose create was acknowledged. A create that
 * fails (connection lost, member moving) has an unknown outcome and is only counted.
 */
final class WriteLoad implements AutoCloseable {
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Connects {@code writers} clients to {@code connectString}, creates /load and starts writing. */
    WriteLoad(String connectString, int writers) throws Exception {
        for (int w = 0; w < writers; w++) {
            CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).ensembleTracker(true)
                    .sessionTimeoutMs(15_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(200)).build();
            clients.add(c);
            c.start();
            assertTrue(c.blockUntilConnected(30, TimeUnit.SECONDS), "Curator connects to " + connectString);
        }
        clients.get(0).create().forPath("/load");
        for (int w = 0; w < writers; w++) {
            threads.add(writer(clients.get(w), "w" + w));
        }
    }

    List<CuratorFramework> clients() {
        return clients;
    }

    Set<String> acked() {
        return acked;
    }

    int failed() {
        return failed.get();
    }

    private Thread writer(CuratorFramework c, String name) {
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

    /** Waits (at most 60 s) until {@code more} further creates have been acknowledged. */
    void awaitMoreAcks(int more) {
        int target = acked.size() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= target);
    }

    /** Stops the writers (each finishes its create in flight). */
    void stopWriting() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopWriting();
        clients.forEach(CuratorFramework::close);
    }

    /** A connect string as a sorted set, to compare with another regardless of order. */
    static Set<String> sorted(String connectString) {
        return new TreeSet<>(Arrays.asList(connectString.split(",")));
    }

    /** The acked paths the member at {@code connectString} (read alone, after a sync) does not have. */
    Set<String> missingOn(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(connectString, 15_000, e -> connected.countDown())) {
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
