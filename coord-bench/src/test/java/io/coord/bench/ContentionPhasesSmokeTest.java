package io.coord.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lock and watch-fanout against an in-process ZooKeeper with tiny counts: every op succeeds, reports are sane. */
class ContentionPhasesSmokeTest {
    @TempDir
    Path dir;

    private InProcessZooKeeper zk;

    @BeforeEach
    void startServer() throws Exception {
        zk = new InProcessZooKeeper(dir.resolve("zk"));
    }

    @AfterEach
    void stopServer() {
        zk.close();
    }

    @Test
    void lockPhaseAcquiresEveryTimeUnderContentionAndCleansUp() throws Exception {
        LoadShape shape = new LoadShape(3, 1, 60, 16, List.of("lock"), 5_000, 30_000, 30_000);

        List<PhaseResult> results = new RoundRunner(shape, null).run("zk", zk.connectString(), 1);

        PhaseResult lock = results.get(0);
        assertEquals("lock", lock.phase());
        assertEquals(60, lock.ops());
        assertEquals(0, lock.errors(), lock.firstError());
        assertSaneLatencies(lock);
        assertEquals(List.of("zookeeper"), childrenOfRoot(), "lock parent and round root removed");
    }

    @Test
    void watchFanoutDeliversEveryEventOfEveryRound() throws Exception {
        // 25 watchers over 3 sessions, ops 60 -> 3 rounds (ceil(60/25)) = 75 events.
        LoadShape shape = new LoadShape(3, 1, 60, 16, List.of("watch-fanout", "create"), 5_000, 30_000, 30_000, 25);

        List<PhaseResult> results = new RoundRunner(shape, null).run("zk", zk.connectString(), 1);

        PhaseResult fanout = results.get(0);
        assertEquals("watch-fanout", fanout.phase());
        assertEquals(75, fanout.ops());
        assertEquals(0, fanout.errors(), fanout.firstError());
        assertSaneLatencies(fanout);
        assertEquals(0, results.get(1).errors(), "a later phase still runs on the same root");
        assertEquals(List.of("zookeeper"), childrenOfRoot());
    }

    @Test
    void newPhasesAreListedInHelp() {
        String usage = BenchMain.usage();
        assertTrue(usage.contains("lock ") && usage.contains("watch-fanout ") && usage.contains("coord-bench scale"),
                usage);
    }

    private static void assertSaneLatencies(PhaseResult r) {
        assertTrue(r.elapsedNanos() > 0 && r.opsPerSecond() > 0, r.toJson());
        assertTrue(r.p50Nanos() > 0, r.toJson());
        assertTrue(r.p50Nanos() <= r.p99Nanos() && r.p99Nanos() <= r.p999Nanos() && r.p999Nanos() <= r.maxNanos(),
                r.toJson());
    }

    private List<String> childrenOfRoot() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(zk.connectString(), 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertTrue(connected.await(10, TimeUnit.SECONDS));
            return client.getChildren("/", false);
        } finally {
            client.close();
        }
    }
}
