package io.coord.bench.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One-shot data watches as ZooKeeper promises them, through the stock client. A writer sets the
 * data of a few nodes; each watcher session keeps one getData watch per node (a new Watcher
 * object each time; set again once it fires) and also reads the nodes without a watch. Watch
 * events and async replies reach the application in the order the client received them (one event
 * thread), so every watcher session's records form one ordered stream.
 *
 * <p>Checked per session, against ZooKeeper's documented guarantees: a watch fires at most once;
 * the client sees a watch event before it sees the new data (a read that returns a newer version
 * than a watch was set at, with that watch not yet fired, is a violation); after an event, a read
 * on the same connection sees a newer version than the watch was set at (the change is real); and
 * no change is missed: after healing, one last write to every node, and every watch of a session
 * that is still alive must have fired by then (a session that expired takes its watches with it,
 * so only the last session of each watcher is held to this).
 */
final class OneShotWatchWorkload implements AutoCloseable {
    static final String NAME = "oneshot";
    static final String PARENT = "/faults-oneshot";
    private static final int NODES = 3;
    private static final long FINAL_FIRE_WAIT_MS = 30_000;

    enum Kind { SET, FIRED, READ, DISCONNECTED }

    /** One record of a session's stream: a watch set at {@code version} (mzxid), fired, a plain read, a lost connection. */
    record Rec(Kind kind, int node, long watchId, long mzxid) {
    }

    private final Clients clients;
    private final String connectString;
    private final OpLog log;
    private final int watcherCount;
    /** Per watcher, per session: the ordered stream. */
    private final List<List<List<Rec>>> streams = new ArrayList<>();
    /** Per node: the zxids of acknowledged writes. */
    private final List<TreeSet<Long>> acknowledged = new ArrayList<>();
    private final List<ZooKeeper> open = new ArrayList<>();
    /** Each watcher's session of the moment (none in tests, where streams are fed by hand). */
    private final Map<Integer, ZooKeeper> current = new HashMap<>();
    private long nextWatchId;
    private int unknownWrites;

    OneShotWatchWorkload(Clients clients, String connectString, OpLog log, int watcherCount) {
        this.clients = clients;
        this.connectString = connectString;
        this.log = log;
        this.watcherCount = watcherCount;
        for (int n = 0; n < NODES; n++) {
            acknowledged.add(new TreeSet<>());
        }
    }

    static String path(int node) {
        return PARENT + "/n" + node;
    }

    void setUp(ZooKeeper zk) throws Exception {
        Clients.createForSetUp(zk, PARENT, new byte[0]);
        for (int n = 0; n < NODES; n++) {
            Clients.createForSetUp(zk, path(n), new byte[0]);
        }
    }

    List<Thread> start(SplittableRandom random, AtomicBoolean running) {
        List<Thread> threads = new ArrayList<>();
        if (watcherCount == 0) {
            return threads;
        }
        for (int w = 0; w < watcherCount; w++) {
            int watcher = addWatcher();
            SplittableRandom r = random.split();
            threads.add(Workers.daemon("oneshot-watcher-" + w, () -> watchLoop(watcher, r, running)));
        }
        threads.add(Workers.daemon("oneshot-writer", () -> writeLoop(random.split(), running)));
        return threads;
    }

    /** Registers a watcher with its first session's stream; returns its id (tests feed streams by hand). */
    synchronized int addWatcher() {
        List<List<Rec>> sessions = new ArrayList<>();
        sessions.add(new ArrayList<>());
        streams.add(sessions);
        return streams.size() - 1;
    }

    /** Appends to the watcher's current session's stream. */
    synchronized void record(int watcher, Rec rec) {
        List<List<Rec>> sessions = streams.get(watcher);
        sessions.get(sessions.size() - 1).add(rec);
    }

    /** The watcher's session expired: what follows goes to a new stream. */
    synchronized void newSession(int watcher) {
        streams.get(watcher).add(new ArrayList<>());
    }

    synchronized void acknowledged(int node, long zxid) {
        acknowledged.get(node).add(zxid);
    }

    private synchronized long newWatchId() {
        return nextWatchId++;
    }

    /**
     * One session at a time: per node, a watch is set (async getData with a fresh Watcher) when
     * none is set or pending, and every loop one plain async read of a random node. The client's
     * event thread runs every callback and watcher, in the order the client received them.
     */
    private void watchLoop(int watcher, SplittableRandom random, AtomicBoolean running) {
        while (running.get()) {
            ZooKeeper zk;
            try {
                zk = new ZooKeeper(connectString, Clients.SESSION_TIMEOUT_MS, e -> {
                    if (e.getType() == Watcher.Event.EventType.None
                            && e.getState() == Watcher.Event.KeeperState.Disconnected) {
                        record(watcher, new Rec(Kind.DISCONNECTED, -1, -1, -1));
                    }
                });
            } catch (java.io.IOException e) {
                return;
            }
            synchronized (this) {
                open.add(zk);
                current.put(watcher, zk);
            }
            int[] state = new int[NODES]; // 0 none, 1 pending or set; written on this thread and the event thread
            while (running.get() && zk.getState().isAlive()) {
                for (int n = 0; n < NODES; n++) {
                    synchronized (state) {
                        if (state[n] == 0) {
                            state[n] = 1;
                            setWatch(zk, watcher, n, state);
                        }
                    }
                }
                int node = random.nextInt(NODES);
                zk.getData(path(node), false, (rc, p, ctx, data, stat) -> {
                    if (rc == 0) {
                        record(watcher, new Rec(Kind.READ, node, -1, stat.getMzxid()));
                    }
                }, null);
                sleep(50);
            }
            if (running.get()) {
                newSession(watcher); // expired (or closed): its watches went with it
            }
        }
    }

    private void setWatch(ZooKeeper zk, int watcher, int node, int[] state) {
        long id = newWatchId();
        Watcher w = (WatchedEvent e) -> {
            if (e.getType() != Watcher.Event.EventType.None) { // state changes reach every watcher too
                record(watcher, new Rec(Kind.FIRED, node, id, -1));
                synchronized (state) {
                    state[node] = 0;
                }
            }
        };
        zk.getData(path(node), w, (rc, p, ctx, data, stat) -> {
            if (rc == 0) {
                record(watcher, new Rec(Kind.SET, node, id, stat.getMzxid()));
            } else {
                synchronized (state) {
                    state[node] = 0; // not set: the client registers a watch only with a successful reply
                }
            }
        }, null);
    }

    private void writeLoop(SplittableRandom random, AtomicBoolean running) {
        ZooKeeper zk = null;
        for (int i = 0; running.get(); i++) {
            zk = clients.usable(zk);
            if (zk == null) {
                continue;
            }
            if (write(zk, random.nextInt(NODES), Integer.toString(i)) == null) {
                sleep(20);
            }
            sleep(10);
        }
    }

    /** One set: its stat, or null when it failed (counted when its outcome is unknown). */
    private Stat write(ZooKeeper zk, int node, String value) {
        long invoked = System.nanoTime();
        try {
            Stat stat = zk.setData(path(node), value.getBytes(StandardCharsets.UTF_8), -1);
            acknowledged(node, stat.getMzxid());
            log.add(NAME, 0, "set", path(node) + " zxid 0x" + Long.toHexString(stat.getMzxid()), OpLog.Outcome.OK,
                    invoked, System.nanoTime());
            return stat;
        } catch (KeeperException e) {
            boolean definite = Clients.definite(e);
            synchronized (this) {
                unknownWrites += definite ? 0 : 1;
            }
            log.add(NAME, 0, "set", path(node) + " (" + e.code() + ")",
                    definite ? OpLog.Outcome.FAILED : OpLog.Outcome.UNKNOWN, invoked, System.nanoTime());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** After healing: one more write to every node (retried while the ensemble recovers), then time for the watches to fire. */
    void finish(long waitMs) throws InterruptedException {
        if (watcherCount == 0) {
            return;
        }
        long deadline = System.currentTimeMillis() + waitMs;
        ZooKeeper zk = null;
        for (int n = 0; n < NODES; n++) {
            Stat stat = null;
            while (stat == null) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("no final write to " + path(n) + " within " + waitMs + " ms");
                }
                zk = clients.usable(zk);
                stat = zk == null ? null : write(zk, n, "final");
                if (stat == null) {
                    Thread.sleep(200);
                }
            }
        }
        long fireDeadline = System.currentTimeMillis() + FINAL_FIRE_WAIT_MS;
        while (System.currentTimeMillis() < fireDeadline && !pendingOwed().isEmpty()) {
            Thread.sleep(100);
        }
    }

    /**
     * Watches of the watchers' last sessions that an acknowledged change after their version owes a
     * fire (a session that expired in the end took its watches with it: nothing is owed).
     */
    private synchronized List<Rec> pendingOwed() {
        List<Rec> owed = new ArrayList<>();
        for (int w = 0; w < streams.size(); w++) {
            ZooKeeper zk = current.get(w);
            if (zk != null && !zk.getState().isAlive()) {
                continue;
            }
            List<List<Rec>> sessions = streams.get(w);
            List<Rec> stream = sessions.get(sessions.size() - 1);
            Map<Long, Rec> set = new HashMap<>();
            for (Rec r : stream) {
                if (r.kind() == Kind.SET) {
                    set.put(r.watchId(), r);
                } else if (r.kind() == Kind.FIRED) {
                    set.remove(r.watchId());
                }
            }
            for (Rec r : set.values()) {
                if (acknowledged.get(r.node()).higher(r.mzxid()) != null) {
                    owed.add(r);
                }
            }
        }
        return owed;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized Verdict check() {
        List<String> violations = new ArrayList<>();
        int sets = 0;
        int fired = 0;
        int reads = 0;
        int sessions = 0;
        for (int w = 0; w < streams.size(); w++) {
            for (int s = 0; s < streams.get(w).size(); s++) {
                List<Rec> stream = streams.get(w).get(s);
                sessions++;
                sets += (int) stream.stream().filter(r -> r.kind() == Kind.SET).count();
                fired += (int) stream.stream().filter(r -> r.kind() == Kind.FIRED).count();
                reads += (int) stream.stream().filter(r -> r.kind() == Kind.READ).count();
                OneShotChecks.session("watcher " + w + " session " + s, stream, violations);
            }
        }
        for (Rec r : pendingOwed()) {
            violations.add("a watch on " + path(r.node()) + " set at 0x" + Long.toHexString(r.mzxid())
                    + " never fired, though the change 0x" + Long.toHexString(acknowledged.get(r.node()).higher(r.mzxid()))
                    + " was acknowledged and its session lives");
        }
        String summary = sets + " watches set, " + fired + " fired, " + reads + " reads, in " + sessions
                + " sessions of " + streams.size() + " watchers; " + acknowledged.stream().mapToInt(TreeSet::size).sum()
                + " writes acknowledged, " + unknownWrites + " of unknown outcome";
        return new Verdict(NAME, violations.isEmpty() ? Verdict.Result.VALID : Verdict.Result.INVALID, summary,
                violations.size() > 20 ? violations.subList(0, 20) : violations);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (ZooKeeper zk : open) {
            zk.close(500);
        }
        open.clear();
    }
}
