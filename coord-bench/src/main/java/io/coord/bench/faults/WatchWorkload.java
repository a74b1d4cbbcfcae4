package io.coord.bench.faults;

import io.coord.client.ClientOptions;
import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.WatchEventType;
import io.coord.client.WatchListener;
import io.coord.client.WatchMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Persistent recursive watches across faults: a writer (stock client) sets the data of a few
 * children of one znode; watchers (Coord's own client, which counts events as seen zxids) hold a
 * recursive watch on it and record every NodeDataChanged with its zxid.
 *
 * <p>Checked, for each watcher and each of its sessions (a session that expired loses its watches
 * with it, so each session is judged alone; the watcher adds its watch again on its next session): events arrive in strictly increasing zxid order
 * (none twice, none out of order); every acknowledged write whose zxid lies between the session's
 * first and last event was observed (no gap, also across reconnects — what Coord promises beyond
 * ZooKeeper); and events for changes nobody acknowledged are no more than the writes of unknown
 * outcome (no phantom). After healing, one last write is made and each watcher waits for it, so a
 * watcher's last session is judged to the end of the run.
 */
final class WatchWorkload implements AutoCloseable {
    static final String NAME = "watch";
    static final String PARENT = "/faults-watch";
    private static final int CHILDREN = 3;
    private static final long FINAL_EVENT_WAIT_MS = 30_000;

    /** One observed event: which session of the watcher saw it (0, 1, ... after each expiry) and its zxid. */
    private record Seen(int session, long zxid) {
    }

    private final Clients clients;
    private final String connectString;
    private final OpLog log;
    private final int watcherCount;
    private final List<CoordClient> watchers = new ArrayList<>();
    private final List<List<Seen>> seen = new ArrayList<>();
    private final int[] sessions;
    /** The watcher's session was LOST (its watches with it): the watch is added again on its next session. */
    private final boolean[] watchGone;
    private final Set<Long> acknowledged = new HashSet<>();
    private int unknownWrites;
    private int failedWrites;
    private long finalZxid = -1;

    WatchWorkload(Clients clients, String connectString, OpLog log, int watcherCount) {
        this.clients = clients;
        this.connectString = connectString;
        this.log = log;
        this.watcherCount = watcherCount;
        this.sessions = new int[watcherCount];
        this.watchGone = new boolean[watcherCount];
    }

    void setUp(ZooKeeper zk) throws Exception {
        Clients.createForSetUp(zk, PARENT, new byte[0]);
        for (int i = 0; i < CHILDREN; i++) {
            Clients.createForSetUp(zk, PARENT + "/k" + i, new byte[0]);
        }
    }

    List<Thread> start(SplittableRandom random, AtomicBoolean running) {
        for (int w = 0; w < watcherCount; w++) {
            int id = w;
            CoordClient c = CoordClient.connect(connectString, ClientOptions.builder()
                    .sessionTimeoutMs(Clients.SESSION_TIMEOUT_MS).build());
            List<Seen> mine = new ArrayList<>();
            synchronized (this) {
                watchers.add(c);
                seen.add(mine);
            }
            WatchListener listener = event -> {
                if (event.type() == WatchEventType.NODE_DATA_CHANGED) {
                    synchronized (this) {
                        mine.add(new Seen(sessions[id], event.zxid()));
                    }
                }
            };
            c.addConnectionStateListener(state -> {
                if (state == ConnectionState.LOST) {
                    synchronized (this) {
                        sessions[id]++;
                        watchGone[id] = true;
                    }
                } else if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                    reAddIfGone(c, id, listener);
                }
            });
            c.addWatch(PARENT, WatchMode.PERSISTENT_RECURSIVE, listener);
        }
        return List.of(Workers.daemon("watch-writer", () -> writeLoop(random, running)));
    }

    /**
     * A new session after LOST holds no watch: add it again (asynchronously: this runs on the
     * client's callback thread), and keep trying on each later connection until one takes it.
     */
    private void reAddIfGone(CoordClient c, int id, WatchListener listener) {
        synchronized (this) {
            if (!watchGone[id]) {
                return;
            }
            watchGone[id] = false;
        }
        c.addWatchAsync(PARENT, WatchMode.PERSISTENT_RECURSIVE, listener).whenComplete((ok, failure) -> {
            if (failure != null) {
                synchronized (this) {
                    watchGone[id] = true;
                }
            }
        });
    }

    private void writeLoop(SplittableRandom random, AtomicBoolean running) {
        ZooKeeper zk = null;
        for (int n = 0; running.get(); n++) {
            zk = clients.usable(zk);
            if (zk == null) {
                continue;
            }
            String path = PARENT + "/k" + random.nextInt(CHILDREN);
            long invoked = System.nanoTime();
            try {
                Stat stat = zk.setData(path, Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        -1);
                synchronized (this) {
                    acknowledged.add(stat.getMzxid());
                }
                log.add(NAME, 0, "set", path + " zxid 0x" + Long.toHexString(stat.getMzxid()), OpLog.Outcome.OK,
                        invoked, System.nanoTime());
            } catch (KeeperException e) {
                boolean definite = Clients.definite(e);
                synchronized (this) {
                    if (definite) {
                        failedWrites++;
                    } else {
                        unknownWrites++;
                    }
                }
                log.add(NAME, 0, "set", path + " (" + e.code() + ")",
                        definite ? OpLog.Outcome.FAILED : OpLog.Outcome.UNKNOWN, invoked, System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** After healing: one more write (retried until {@code waitMs} while the ensemble recovers), then each watcher given time to see it. */
    void finish(Clients clients, long waitMs) throws Exception {
        long writeDeadline = System.currentTimeMillis() + waitMs;
        Stat stat = null;
        ZooKeeper zk = null;
        while (stat == null) {
            zk = clients.usable(zk);
            try {
                if (zk != null) {
                    stat = zk.setData(PARENT + "/k0", "final".getBytes(java.nio.charset.StandardCharsets.UTF_8), -1);
                }
            } catch (KeeperException e) {
                if (System.currentTimeMillis() > writeDeadline) {
                    throw e;
                }
            }
            if (stat == null) {
                if (System.currentTimeMillis() > writeDeadline) {
                    throw new IllegalStateException("no session for the final write within " + waitMs + " ms");
                }
                Thread.sleep(200);
            }
        }
        synchronized (this) {
            finalZxid = stat.getMzxid();
            acknowledged.add(finalZxid);
        }
        long deadline = System.currentTimeMillis() + FINAL_EVENT_WAIT_MS;
        while (System.currentTimeMillis() < deadline && !allSawFinal()) {
            Thread.sleep(100);
        }
    }

    private synchronized boolean allSawFinal() {
        return seen.stream().allMatch(list -> list.stream().anyMatch(s -> s.zxid() == finalZxid));
    }

    synchronized Verdict check() {
        List<String> violations = new ArrayList<>();
        int events = 0;
        int missedFinal = 0;
        Set<Long> unmatched = new HashSet<>();
        for (int w = 0; w < seen.size(); w++) {
            List<Seen> list = seen.get(w);
            events += list.size();
            missedFinal += list.stream().anyMatch(s -> s.zxid() == finalZxid) ? 0 : 1;
            for (int session = 0; session <= sessions[w]; session++) {
                int s = session;
                List<Long> zxids = list.stream().filter(x -> x.session() == s).map(Seen::zxid).toList();
                zxids.stream().filter(z -> !acknowledged.contains(z)).forEach(unmatched::add);
                checkSession("watcher " + w + " session " + session, zxids, violations);
            }
        }
        if (unmatched.size() > unknownWrites) {
            violations.add(unmatched.size() + " changes seen that nobody acknowledged, but only " + unknownWrites
                    + " writes of unknown outcome");
        }
        String summary = acknowledged.size() + " writes acknowledged, " + unknownWrites + " of unknown outcome, "
                + failedWrites + " refused; " + events + " events seen by " + seen.size() + " watchers in "
                + (java.util.Arrays.stream(sessions).sum() + seen.size()) + " sessions"
                + (missedFinal > 0 ? "; " + missedFinal + " watcher(s) never saw the final write" : "");
        return new Verdict(NAME, violations.isEmpty() ? Verdict.Result.VALID : Verdict.Result.INVALID, summary,
                violations);
    }

    private void checkSession(String who, List<Long> zxids, List<String> violations) {
        for (int i = 1; i < zxids.size(); i++) {
            if (zxids.get(i) <= zxids.get(i - 1)) {
                violations.add(who + ": event zxid 0x" + Long.toHexString(zxids.get(i)) + " after 0x"
                        + Long.toHexString(zxids.get(i - 1)) + " (out of order or twice)");
            }
        }
        if (zxids.isEmpty()) {
            return;
        }
        long first = zxids.get(0);
        long last = zxids.get(zxids.size() - 1);
        Set<Long> got = new HashSet<>(zxids);
        TreeSet<Long> missing = new TreeSet<>();
        for (long z : acknowledged) {
            if (z > first && z < last && !got.contains(z)) {
                missing.add(z);
            }
        }
        if (!missing.isEmpty()) {
            violations.add(who + ": " + missing.size() + " acknowledged changes between its first and last event "
                    + "never seen, e.g. " + missing.stream().limit(10).map(z -> "0x" + Long.toHexString(z)).toList());
        }
    }

    @Override
    public synchronized void close() {
        watchers.forEach(CoordClient::close);
    }
}
