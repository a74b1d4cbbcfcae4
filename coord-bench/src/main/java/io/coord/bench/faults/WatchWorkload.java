package io.coord.bench.faults;

import io.coord.client.ClientOptions;
import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.WatchEventType;
import io.coord.client.WatchListener;
import io.coord.client.WatchMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
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
 * <p>Checked, for each watcher and each of its sessions (a session that expired loses its
 * watches with it, so each session is judged alone; the watcher adds its watch again on its next
 * session): events arrive in strictly increasing zxid order (none twice, none out of order);
 * every acknowledged write whose zxid lies between the session's first and last event was
 * observed (no gap, also across reconnects — what Coord promises beyond ZooKeeper; each gap is
 * reported with its zxids and whether the session's connection was lost and resumed just before
 * it); and events for changes nobody acknowledged are no more than the writes of unknown outcome
 * (no phantom). After healing, one last write is made and each watcher waits for it, so a
 * watcher's last session is judged to the end of the run.
 */
final class WatchWorkload implements AutoCloseable {
    static final String NAME = "watch";
    static final String PARENT = "/faults-watch";
    private static final int CHILDREN = 3;
    private static final long FINAL_EVENT_WAIT_MS = 30_000;

    /**
     * One observed event: which session of the watcher saw it (0, 1, ... after each expiry), its
     * zxid, and whether the session's connection was lost and resumed since the watcher's previous
     * event (so a gap before this event is a gap across a reconnect).
     */
    private record Seen(int session, long zxid, boolean afterReconnect) {
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
    /** The watcher's session resumed on a new connection since its last event. */
    private final boolean[] reconnected;
    /** Sorted: a gap is the range of it between two events. */
    private final TreeSet<Long> acknowledged = new TreeSet<>();
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
        this.reconnected = new boolean[watcherCount];
    }

    void setUp(ZooKeeper zk) throws Exception {
        Clients.createForSetUp(zk, PARENT, new byte[0]);
        for (int i = 0; i < CHILDREN; i++) {
            Clients.createForSetUp(zk, PARENT + "/k" + i, new byte[0]);
        }
    }

    List<Thread> start(SplittableRandom random, AtomicBoolean running) {
        for (int w = 0; w < watcherCount; w++) {
            CoordClient c = CoordClient.connect(connectString, ClientOptions.builder()
                    .sessionTimeoutMs(Clients.SESSION_TIMEOUT_MS).build());
            int id = addWatcher(c);
            WatchListener listener = event -> {
                if (event.type() == WatchEventType.NODE_DATA_CHANGED) {
                    observed(id, event.zxid());
                }
            };
            c.addConnectionStateListener(state -> {
                if (state == ConnectionState.LOST) {
                    sessionLost(id);
                } else if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                    if (state == ConnectionState.RECONNECTED) {
                        reconnected(id);
                    }
                    reAddIfGone(c, id, listener);
                }
            });
            c.addWatch(PARENT, WatchMode.PERSISTENT_RECURSIVE, listener);
        }
        return List.of(Workers.daemon("watch-writer", () -> writeLoop(random, running)));
    }

    /** Registers a watcher (null in tests: events are fed to it directly); returns its id. */
    synchronized int addWatcher(CoordClient client) {
        if (client != null) {
            watchers.add(client);
        }
        seen.add(new ArrayList<>());
        return seen.size() - 1;
    }

    synchronized void observed(int watcher, long zxid) {
        seen.get(watcher).add(new Seen(sessions[watcher], zxid, reconnected[watcher]));
        reconnected[watcher] = false;
    }

    /** The watcher's session resumed on a new connection. */
    synchronized void reconnected(int watcher) {
        reconnected[watcher] = true;
    }

    /** The watcher's session expired: its watches went with it. */
    synchronized void sessionLost(int watcher) {
        sessions[watcher]++;
        watchGone[watcher] = true;
        reconnected[watcher] = false;
    }

    synchronized void acknowledged(long zxid) {
        acknowledged.add(zxid);
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
                acknowledged(stat.getMzxid());
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
                List<Seen> ofSession = list.stream().filter(x -> x.session() == s).toList();
                ofSession.stream().map(Seen::zxid).filter(z -> !acknowledged.contains(z)).forEach(unmatched::add);
                checkSession("watcher " + w + " session " + session, ofSession, violations);
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

    private void checkSession(String who, List<Seen> events, List<String> violations) {
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).zxid() <= events.get(i - 1).zxid()) {
                violations.add(who + ": event zxid 0x" + Long.toHexString(events.get(i).zxid()) + " after 0x"
                        + Long.toHexString(events.get(i - 1).zxid()) + " (out of order or twice)");
            }
        }
        List<String> gaps = new ArrayList<>();
        int missing = 0;
        int acrossReconnect = 0;
        for (int i = 1; i < events.size(); i++) {
            long before = events.get(i - 1).zxid();
            long after = events.get(i).zxid();
            NavigableSet<Long> gap = after > before ? acknowledged.subSet(before, false, after, false)
                    : Collections.emptyNavigableSet();
            if (gap.isEmpty()) {
                continue;
            }
            missing += gap.size();
            boolean reconnect = events.get(i).afterReconnect();
            acrossReconnect += reconnect ? 1 : 0;
            String range = "0x" + Long.toHexString(gap.first())
                    + (gap.size() > 1 ? "-0x" + Long.toHexString(gap.last()) : "");
            gaps.add(range + " (" + gap.size()
                    + (reconnect ? ", across a reconnect)" : ", on one connection)"));
        }
        if (missing > 0) {
            violations.add(who + ": " + missing + " acknowledged changes between its first and last event never seen, in "
                    + gaps.size() + " gap(s), " + acrossReconnect + " of them across a reconnect: "
                    + gaps.stream().limit(5).toList() + (gaps.size() > 5 ? " ..." : ""));
        }
    }

    @Override
    public synchronized void close() {
        watchers.forEach(CoordClient::close);
    }
}
