package io.coord.server.ensemble;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.check.RegisterHistory;
import io.coord.server.check.RegisterHistory.Kind;
import io.coord.server.check.RegisterHistory.Op;
import io.coord.server.check.RegisterHistory.Outcome;
import io.coord.server.check.RegisterHistory.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Jepsen-style check on real member processes: several stock ZooKeeper clients write, CAS
 * (setData with a version) and read (sync + getData) one znode while a nemesis kills the leader
 * with SIGKILL and restarts it, or freezes it with SIGSTOP and thaws it; the recorded history must
 * be linearizable ({@link RegisterHistory}). Operations whose outcome a client never learnt count
 * as possibly applied at any later time. Seeded: a failure prints the seed and the history.
 */
class EnsembleLinearizabilityTest {
    /** Jepsen's "independent keys": each register is used for one segment of the run only, so each
     *  history checked is a few hundred ops and its operations of unknown outcome stay few. */
    private static final long SEGMENT_MS = 1_500;
    private static final int CLIENTS = 4;
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("coord.linearizability.seconds", 20));
    private static final int SESSION_TIMEOUT_MS = 6_000;

    @TempDir
    Path dir;
    private EnsembleCluster cluster;
    private final List<ZooKeeper> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = new EnsembleCluster(dir, 3);
        cluster.startAll();
        awaitLeader();
    }

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close(1_000);
        }
        for (int id = 1; id <= 3; id++) {
            cluster.signal(id, "CONT");
        }
        cluster.close();
    }

    private int awaitLeader() {
        int[] leader = {-1};
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            leader[0] = cluster.leader();
            return leader[0] > 0;
        });
        return leader[0];
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cluster.connectString(), SESSION_TIMEOUT_MS, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        clients.add(zk);
        assertTrue(connected.await(30, TimeUnit.SECONDS), "client did not connect");
        return zk;
    }

    @Test
    void historyUnderLeaderKillsAndPausesIsLinearizable() throws Exception {
        long seed = Long.getLong("coord.linearizability.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        int keys = (int) (RUN.toMillis() / SEGMENT_MS) + 2;
        ZooKeeper setup = connect();
        RegisterHistory[] histories = new RegisterHistory[keys];
        for (int k = 0; k < keys; k++) {
            setup.create(path(k), bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            histories[k] = new RegisterHistory();
        }
        AtomicBoolean running = new AtomicBoolean(true);
        long startNanos = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            ZooKeeper zk = connect();
            int client = c;
            SplittableRandom r = random.split();
            Thread t = new Thread(() -> clientLoop(zk, client, r, histories, startNanos, running),
                    "register-client-" + c);
            workers.add(t);
            t.start();
        }
        int faults = nemesis(random.split(), startNanos + RUN.toNanos());
        running.set(false);
        for (Thread t : workers) {
            t.join(30_000);
        }
        awaitLeader();
        ZooKeeper last = connect();
        for (int k = 0; k < keys; k++) {
            long invoked = System.nanoTime();
            Stat stat = new Stat();
            assertTrue(syncQuietly(last, path(k)), "final sync failed");
            int value = parse(last.getData(path(k), false, stat));
            histories[k].add(CLIENTS, Kind.READ, -1, value, Outcome.OK, stat.getVersion(), invoked, System.nanoTime());
        }
        checkAll(histories, "seed " + seed + " (-Dcoord.linearizability.seed=" + seed + "), " + faults + " faults");
        assertTrue(faults >= 2, "the nemesis struck fewer than twice");
    }

    private void checkAll(RegisterHistory[] histories, String context) {
        long ops = 0;
        long acknowledged = 0;
        long unknown = 0;
        int inconclusive = 0;
        for (int k = 0; k < histories.length; k++) {
            List<Op> h = histories[k].ops();
            ops += h.size();
            acknowledged += h.stream().filter(o -> o.kind() != Kind.READ && o.outcome() == Outcome.OK).count();
            unknown += h.stream().filter(o -> o.outcome() == Outcome.UNKNOWN).count();
            String problem = RegisterHistory.check(h, new State(0, 0));
            if (problem != null && problem.startsWith("inconclusive")) {
                inconclusive++;
            } else if (problem != null) {
                int key = k;
                assertNull(problem, () -> "register " + path(key) + " is not linearizable: " + problem + "\n"
                        + context + "\n" + RegisterHistory.describe(h) + cluster.outputs());
            }
        }
        String summary = context + ", " + histories.length + " registers, " + ops + " ops, " + acknowledged
                + " acknowledged writes, " + unknown + " of unknown outcome, " + inconclusive + " inconclusive";
        System.out.println("linearizable: " + summary);
        assertTrue(acknowledged >= 20, "too few acknowledged writes to mean anything: " + summary);
        assertTrue(inconclusive * 2 < histories.length, "most registers were inconclusive: " + summary);
    }

    private static String path(int key) {
        return "/register-" + key;
    }

    /** Every ~2 s: SIGKILL the leader and restart it 1 s later, or SIGSTOP it for 2.5 s. */
    private int nemesis(SplittableRandom random, long deadlineNanos) throws Exception {
        int faults = 0;
        Thread.sleep(1_000);
        while (System.nanoTime() < deadlineNanos) {
            int leader = awaitLeader();
            if (random.nextBoolean()) {
                cluster.kill9(leader);
                Thread.sleep(1_000);
                cluster.start(leader);
            } else {
                cluster.signal(leader, "STOP");
                Thread.sleep(2_500);
                cluster.signal(leader, "CONT");
            }
            faults++;
            Thread.sleep(1_500 + random.nextInt(1_000));
        }
        return faults;
    }

    private static void clientLoop(ZooKeeper zk, int client, SplittableRandom random, RegisterHistory[] histories,
                                   long startNanos, AtomicBoolean running) {
        AtomicInteger knownVersion = new AtomicInteger(0);
        int written = 0;
        int lastKey = 0;
        while (running.get()) {
            int key = (int) Math.min(histories.length - 1,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) / SEGMENT_MS);
            if (key != lastKey) {
                knownVersion.set(0);
                lastKey = key;
            }
            RegisterHistory history = histories[key];
            int dice = random.nextInt(10);
            if (dice < 4) {
                read(zk, path(key), client, history, knownVersion);
            } else {
                boolean cas = dice >= 7;
                int value = (client + 1) * 10_000_000 + ++written; // unique: lets the checker pin unknown writes
                int expected = cas ? knownVersion.get() : -1;
                write(zk, path(key), client, history, cas, expected, value, knownVersion);
            }
        }
    }

    private static void read(ZooKeeper zk, String path, int client, RegisterHistory history,
                             AtomicInteger knownVersion) {
        long invoked = System.nanoTime();
        try {
            if (!syncQuietly(zk, path)) {
                history.add(client, Kind.READ, -1, 0, Outcome.UNKNOWN, 0, invoked, 0);
                return;
            }
            Stat stat = new Stat();
            int value = parse(zk.getData(path, false, stat));
            history.add(client, Kind.READ, -1, value, Outcome.OK, stat.getVersion(), invoked, System.nanoTime());
            knownVersion.set(stat.getVersion());
        } catch (KeeperException | InterruptedException | RuntimeException e) {
            history.add(client, Kind.READ, -1, 0, Outcome.UNKNOWN, 0, invoked, 0);
            pauseAfterError();
        }
    }

    private static void write(ZooKeeper zk, String path, int client, RegisterHistory history, boolean cas,
                              int expected, int value, AtomicInteger knownVersion) {
        Kind kind = cas ? Kind.CAS : Kind.WRITE;
        long invoked = System.nanoTime();
        try {
            Stat stat = zk.setData(path, bytes(value), expected);
            history.add(client, kind, expected, value, Outcome.OK, stat.getVersion(), invoked, System.nanoTime());
            knownVersion.set(stat.getVersion());
        } catch (KeeperException.BadVersionException e) {
            history.add(client, kind, expected, value, Outcome.FAILED, 0, invoked, System.nanoTime());
        } catch (KeeperException | InterruptedException | RuntimeException e) {
            history.add(client, kind, expected, value, Outcome.UNKNOWN, 0, invoked, 0);
            pauseAfterError();
        }
    }

    /** sync(path) and wait for it: true if it succeeded. */
    private static boolean syncQuietly(ZooKeeper zk, String path) {
        CountDownLatch done = new CountDownLatch(1);
        int[] rc = {-1};
        zk.sync(path, (code, p, ctx) -> {
            rc[0] = code;
            done.countDown();
        }, null);
        try {
            return done.await(SESSION_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS) && rc[0] == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pauseAfterError() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(int value) {
        return Integer.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static int parse(byte[] data) {
        return Integer.parseInt(new String(data, StandardCharsets.US_ASCII));
    }
}
