package io.coord.bench.faults;

import io.coord.server.check.RegisterHistory;
import io.coord.server.check.RegisterHistory.Kind;
import io.coord.server.check.RegisterHistory.Op;
import io.coord.server.check.RegisterHistory.Outcome;
import io.coord.server.check.RegisterHistory.State;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Registers: clients write ({@code setData} version -1), CAS ({@code setData} with the version they
 * last saw) and read ({@code sync} + {@code getData}) znodes used as versioned registers; every
 * register's history must be linearizable ({@link RegisterHistory}). As Jepsen's independent keys,
 * each register is used for one segment of the run, so each history stays a few hundred ops.
 * Every written value is unique, which pins down writes of unknown outcome.
 */
final class RegisterWorkload {
    static final String NAME = "register";
    private static final long SEGMENT_MS = 2_000;

    private final Clients clients;
    private final OpLog log;
    private final int clientCount;
    private final RegisterHistory[] histories;
    private final boolean syncReads;

    /** {@code syncReads} false reads without sync first: not linearizable by ZooKeeper's rules (a harness check). */
    RegisterWorkload(Clients clients, OpLog log, int clientCount, long durationMs, boolean syncReads) {
        this.syncReads = syncReads;
        this.clients = clients;
        this.log = log;
        this.clientCount = clientCount;
        this.histories = new RegisterHistory[(int) (durationMs / SEGMENT_MS) + 2];
    }

    static String path(int key) {
        return "/faults-register-" + key;
    }

    void setUp(ZooKeeper zk) throws Exception {
        for (int k = 0; k < histories.length; k++) {
            Clients.createForSetUp(zk, path(k), bytes(0));
            histories[k] = new RegisterHistory();
        }
    }

    List<Thread> start(SplittableRandom random, long startNanos, AtomicBoolean running) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            SplittableRandom r = random.split();
            threads.add(Workers.daemon("register-client-" + c, () -> loop(client, r, startNanos, running)));
        }
        return threads;
    }

    private void loop(int client, SplittableRandom random, long startNanos, AtomicBoolean running) {
        ZooKeeper zk = null;
        int knownVersion = 0;
        int written = 0;
        int lastKey = -1;
        while (running.get()) {
            zk = clients.usable(zk);
            if (zk == null) {
                continue;
            }
            int key = (int) Math.min(histories.length - 1,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) / SEGMENT_MS);
            if (key != lastKey) {
                knownVersion = 0;
                lastKey = key;
            }
            int dice = random.nextInt(10);
            if (dice < 4) {
                knownVersion = read(zk, key, client, knownVersion);
            } else {
                boolean cas = dice >= 7;
                int value = (client + 1) * 10_000_000 + ++written;
                knownVersion = write(zk, key, client, cas ? knownVersion : -1, value, knownVersion);
            }
        }
    }

    private int read(ZooKeeper zk, int key, int client, int knownVersion) {
        long invoked = System.nanoTime();
        try {
            if (syncReads && !Clients.sync(zk, path(key))) {
                unknownRead(key, client, invoked);
                return knownVersion;
            }
            Stat stat = new Stat();
            int value = parse(zk.getData(path(key), false, stat));
            long done = System.nanoTime();
            histories[key].add(client, Kind.READ, -1, value, Outcome.OK, stat.getVersion(), invoked, done);
            log.add(NAME, client, "read", path(key) + " = " + value + " v" + stat.getVersion(), OpLog.Outcome.OK,
                    invoked, done);
            return stat.getVersion();
        } catch (KeeperException | RuntimeException e) {
            unknownRead(key, client, invoked);
            return knownVersion;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return knownVersion;
        }
    }

    private void unknownRead(int key, int client, long invoked) {
        histories[key].add(client, Kind.READ, -1, 0, Outcome.UNKNOWN, 0, invoked, 0);
        log.add(NAME, client, "read", path(key), OpLog.Outcome.UNKNOWN, invoked, System.nanoTime());
        pause();
    }

    private int write(ZooKeeper zk, int key, int client, int expected, int value, int knownVersion) {
        Kind kind = expected >= 0 ? Kind.CAS : Kind.WRITE;
        String op = kind == Kind.CAS ? "cas" : "write";
        String detail = path(key) + " := " + value + (kind == Kind.CAS ? " if v" + expected : "");
        long invoked = System.nanoTime();
        try {
            Stat stat = zk.setData(path(key), bytes(value), expected);
            long done = System.nanoTime();
            histories[key].add(client, kind, expected, value, Outcome.OK, stat.getVersion(), invoked, done);
            log.add(NAME, client, op, detail + " -> v" + stat.getVersion(), OpLog.Outcome.OK, invoked, done);
            return stat.getVersion();
        } catch (KeeperException e) {
            long done = System.nanoTime();
            boolean failed = e.code() == KeeperException.Code.BADVERSION;
            histories[key].add(client, kind, expected, value, failed ? Outcome.FAILED : Outcome.UNKNOWN, 0, invoked,
                    failed ? done : 0);
            log.add(NAME, client, op, detail + " (" + e.code() + ")",
                    failed ? OpLog.Outcome.FAILED : OpLog.Outcome.UNKNOWN, invoked, done);
            if (!failed) {
                pause();
            }
            return knownVersion;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return knownVersion;
        }
    }

    /** After the run: one more synced read of every register through a fresh session. */
    void finalReads(ZooKeeper zk) throws Exception {
        for (int k = 0; k < histories.length; k++) {
            long invoked = System.nanoTime();
            if (!Clients.sync(zk, path(k))) {
                throw new IllegalStateException("final sync failed");
            }
            Stat stat = new Stat();
            int value = parse(zk.getData(path(k), false, stat));
            histories[k].add(clientCount, Kind.READ, -1, value, Outcome.OK, stat.getVersion(), invoked,
                    System.nanoTime());
        }
    }

    /** The verdict: every register linearizable, with counts; the offending history when one is not. */
    Verdict check() {
        long ops = 0;
        long acknowledged = 0;
        long unknown = 0;
        int inconclusive = 0;
        List<String> violations = new ArrayList<>();
        for (int k = 0; k < histories.length; k++) {
            List<Op> h = histories[k].ops();
            ops += h.size();
            acknowledged += h.stream().filter(o -> o.kind() != Kind.READ && o.outcome() == Outcome.OK).count();
            unknown += h.stream().filter(o -> o.outcome() == Outcome.UNKNOWN).count();
            String problem = RegisterHistory.check(h, new State(0, 0));
            if (problem != null && problem.startsWith("inconclusive")) {
                inconclusive++;
            } else if (problem != null) {
                violations.add(path(k) + " is not linearizable: " + problem + "\n" + RegisterHistory.describe(h));
            }
        }
        String summary = histories.length + " registers, " + ops + " ops, " + acknowledged + " acknowledged writes, "
                + unknown + " of unknown outcome, " + inconclusive + " inconclusive";
        return new Verdict(NAME, violations.isEmpty() ? (inconclusive * 2 < histories.length
                ? Verdict.Result.VALID : Verdict.Result.UNKNOWN) : Verdict.Result.INVALID, summary, violations);
    }

    private static void pause() {
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
