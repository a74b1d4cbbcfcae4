package io.coord.bench.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-disk nemesis's shim on a real 3-member Coord ensemble started as the suite starts it
 * (namespaces, {@code bin/coord-server start}): the shim is in every member JVM; with 300 ms set for
 * the leader, the leader's own fsyncs (its mntr) take 300 ms or more while the followers' stay fast;
 * with a follower slowed too (a majority), the client's writes take 300 ms or more; cleared, fsyncs
 * and writes are fast again. Runs with {@code -Dcoord.faults.slowdisk=true} only (it takes about a
 * minute here); skips when not root or without gcc.
 */
class SlowDiskTest {
    private static final long DELAY_MS = 300;
    private static final long SETTLE_MS = 500;

    /** Per-write latencies and each member's fsync figures over one phase of writes. */
    private record Phase(long[] writeMs, Cluster.FsyncFigures[] before, Cluster.FsyncFigures[] after) {
        double meanFsyncMs(int id) {
            return after[id].meanMsSince(before[id]);
        }

        long medianWriteMs() {
            long[] sorted = writeMs.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }

        String describe(int members) {
            StringBuilder sb = new StringBuilder("write ms " + Arrays.toString(writeMs) + ", mean fsync ms");
            for (int id = 1; id <= members; id++) {
                sb.append(String.format(Locale.ROOT, " m%d %.1f (%d)", id, meanFsyncMs(id),
                        after[id].count() - before[id].count()));
            }
            return sb.toString();
        }
    }

    @Test
    void slowedMembersFsyncsTakeTheDelayAndAMajorityDelaysWritesThenRecover(@TempDir Path shimDir) throws Exception {
        // About a minute on this shared 2-core machine (three member JVMs start): not in the default run.
        SlowDisk disk = FlaggedTool.assumeBuilt("coord.faults.slowdisk", "slow-disk test", shimDir, SlowDisk::build);
        Path work = Files.createTempDirectory(FaultRun.WORK_PREFIX + ProcessHandle.current().pid() + "-");
        NetLab lab = new NetLab(3);
        try (lab; Cluster cluster = FlaggedTool.coord(lab, work, disk)) {
            int leader = FlaggedTool.start(lab, cluster);
            for (int id = 1; id <= 3; id++) {
                String maps = Files.readString(Path.of("/proc", Long.toString(cluster.pid(id)), "maps"));
                assertTrue(maps.contains(disk.library().toString()), "member " + id + "'s JVM runs without the shim");
            }
            try (Clients clients = new Clients(lab.address(leader) + ":" + Cluster.CLIENT_PORT)) {
                ZooKeeper zk = clients.connect(30_000);
                zk.create("/slowdisk", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Phase normal = writes(zk, cluster, 8);
                cluster.slowDisk(leader, DELAY_MS);
                Phase leaderSlow = writes(zk, cluster, 6);
                int follower = leader % 3 + 1;
                int other = follower % 3 + 1;
                cluster.slowDisk(follower, DELAY_MS);
                Phase majoritySlow = writes(zk, cluster, 4);
                cluster.fastDisks();
                Phase healed = writes(zk, cluster, 8);
                String figures = "leader m" + leader + ", follower slowed second m" + follower + "\nnormal:        "
                        + normal.describe(3) + "\nleader slow:   " + leaderSlow.describe(3) + "\nmajority slow: "
                        + majoritySlow.describe(3) + "\nhealed:        " + healed.describe(3);
                System.out.println("SlowDiskTest " + figures);
                // Every fsync of a slowed member takes the delay (the shim sleeps before each); the others'
                // do not.
                assertTrue(leaderSlow.meanFsyncMs(leader) >= DELAY_MS, figures);
                assertTrue(leaderSlow.meanFsyncMs(follower) < DELAY_MS, figures);
                assertTrue(leaderSlow.meanFsyncMs(other) < DELAY_MS, figures);
                // With a majority slowed no quorum is durable sooner: every write waits for a slow fsync.
                // (With the leader alone slowed, the two followers make the quorum: figures only.)
                assertTrue(majoritySlow.meanFsyncMs(follower) >= DELAY_MS, figures);
                assertTrue(majoritySlow.meanFsyncMs(other) < DELAY_MS, figures);
                assertTrue(majoritySlow.medianWriteMs() >= DELAY_MS, figures);
                assertTrue(healed.meanFsyncMs(leader) < DELAY_MS, figures);
                assertTrue(healed.meanFsyncMs(follower) < DELAY_MS, figures);
                assertTrue(healed.medianWriteMs() < DELAY_MS, figures);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code n} sequential setData calls, timed, with every member's fsync figures before and after. */
    private static Phase writes(ZooKeeper zk, Cluster cluster, int n) throws Exception {
        Cluster.FsyncFigures[] before = figures(cluster);
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            zk.setData("/slowdisk", new byte[] {(byte) i}, -1);
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        return new Phase(ms, before, settle(cluster, before));
    }

    /**
     * Every member's figures once it has fsynced since {@code before} and no fsync is under way: two
     * reads {@link #SETTLE_MS} apart (longer than a slowed fsync) that agree. So a phase's figures hold
     * its own fsyncs only, none begun in the phase before.
     */
    private static Cluster.FsyncFigures[] settle(Cluster cluster, Cluster.FsyncFigures[] before) {
        Cluster.FsyncFigures[][] last = {figures(cluster)};
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(SETTLE_MS))
                .pollInterval(Duration.ofMillis(SETTLE_MS)).until(() -> {
                    Cluster.FsyncFigures[] now = figures(cluster);
                    boolean settled = Arrays.equals(now, last[0]);
                    for (int id = 1; id < now.length; id++) {
                        settled &= now[id].count() > before[id].count();
                    }
                    last[0] = now;
                    return settled;
                });
        return last[0];
    }

    private static Cluster.FsyncFigures[] figures(Cluster cluster) {
        Cluster.FsyncFigures[] f = new Cluster.FsyncFigures[cluster.size() + 1];
        for (int id = 1; id <= cluster.size(); id++) {
            f[id] = cluster.fsyncFigures(id);
            assertTrue(f[id] != null, "member " + id + " gave no fsync figures in mntr");
        }
        return f;
    }
}
