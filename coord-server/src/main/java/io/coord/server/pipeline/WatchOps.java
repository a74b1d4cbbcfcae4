package io.coord.server.pipeline;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.server.watch.ChangeHistory;
import io.coord.server.watch.Notification;
import io.coord.server.watch.WatchManager;
import io.coord.wire.Acl;
import io.coord.wire.AddWatchMode;
import io.coord.wire.AddWatchRequest;
import io.coord.wire.CheckWatchesRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.EventType;
import io.coord.wire.KeeperError;
import io.coord.wire.RemoveWatchesRequest;
import io.coord.wire.SetWatches;
import io.coord.wire.SetWatches2;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * setWatches on reconnect, addWatch, removeWatches and checkWatches. Request-thread only.
 *
 * <p>On reconnect a client sends the watches it holds and the last zxid it saw; whatever changed
 * after that zxid fires at once, so nothing is missed while the client was away. One-shot watches
 * fire once for the node as it is now (as in ZooKeeper); persistent watches are sent every event
 * they missed, in zxid order with each event's own zxid, from the {@link ChangeHistory} — which
 * ZooKeeper does not do (it re-adds them and the events in between are lost). When the history
 * does not reach back to the client's last zxid because this member's state is younger (built at
 * start-up or installed from the leader's snapshot), the member sends the client away once so it
 * can find a member whose history does ({@link #sendsAway}); a client that comes back, or whose
 * gap is older than any history (the ring is full), gets the events held here and a warning.
 */
final class WatchOps {
    private static final Logger LOG = LoggerFactory.getLogger(WatchOps.class);
    /** Sessions remembered as sent away; beyond this the oldest is forgotten (it may be sent away twice). */
    private static final int MAX_SENT_AWAY = 10_000;
    private final DataTree tree;
    private final WatchManager<Connection> watches;
    private final Sessions sessions;

    private final ChangeHistory<List<Acl>> history;
    /** Other members exist (an ensemble), so a client sent away may find a longer history there. */
    private final boolean othersMayCover;
    /** Session id → the last zxid it claimed when this member sent it away (per state, like the history). */
    private final Map<Long, Long> sentAway = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > MAX_SENT_AWAY;
        }
    };

    WatchOps(DataTree tree, WatchManager<Connection> watches, Sessions sessions, ChangeHistory<List<Acl>> history,
             boolean othersMayCover) {
        this.tree = tree;
        this.watches = watches;
        this.sessions = sessions;
        this.history = history;
        this.othersMayCover = othersMayCover;
    }

    /** A notification to send with the zxid it carries (replayed ones carry their own). */
    record Fired(long zxid, Notification<Connection> notification) {
    }

    /**
     * setWatches: the persistent watches' missed events (oldest first), then the one-shot watches'
     * events at {@code currentZxid}; every watch is registered again.
     */
    List<Fired> setWatches(Connection conn, SetWatches2 w, long currentZxid) {
        sentAway.remove(conn.sessionId);
        List<Fired> out = replayPersistent(conn, w);
        for (Notification<Connection> n : setWatches(conn, w)) {
            out.add(new Fired(currentZxid, n));
        }
        return out;
    }

    /**
     * Whether to close this reconnecting client's connection instead of answering its setWatches
     * (nothing registered, nothing sent): its persistent watches missed events after its last zxid
     * that this member's history does not hold because its state is younger than that zxid (the
     * fault suite's case: a member synced by the leader's snapshot while the client was away),
     * and another member's history may hold them. The client then tries its next server, as after
     * any dropped connection; its session lives on (the handshake here touched it). Once per
     * session and gap: a client that comes back with the same zxid (every other member sent it
     * away or was out of reach) is taken, so a session is never held off until it expires.
     */
    boolean sendsAway(Connection conn, SetWatches2 w) {
        long lastSeen = w.relativeZxid();
        if (!hasPersistent(w) || !othersMayCover || history.covers(lastSeen) || history.overflowed()) {
            return false;
        }
        Long before = sentAway.put(conn.sessionId, lastSeen);
        if (before != null && before == lastSeen) {
            return false;
        }
        LOG.info("session 0x{}: sent away to another member: its persistent watches missed the events after zxid "
                + "0x{}, and this member's history reaches back to 0x{} only (its state starts there)",
                Long.toHexString(conn.sessionId), Long.toHexString(lastSeen),
                Long.toHexString(history.coveredAfterZxid()));
        return true;
    }

    private static boolean hasPersistent(SetWatches2 w) {
        return !nonNull(w.persistentWatches()).isEmpty() || !nonNull(w.persistentRecursiveWatches()).isEmpty();
    }

    /**
     * What the reconnecting client's persistent watches would have fired after its last zxid: each
     * recorded event is matched by a WatchManager holding only those watches (the same rules as
     * live triggering), and readable by the same ACL check as when it fired. When the history does
     * not reach back that far, the events it does hold still go out (only the older ones are lost).
     */
    private List<Fired> replayPersistent(Connection conn, SetWatches2 w) {
        List<Fired> out = new ArrayList<>();
        if (!hasPersistent(w)) {
            return out;
        }
        if (!history.covers(w.relativeZxid())) {
            String why = history.overflowed() ? "the client was away longer than any member keeps"
                    : othersMayCover ? "the client came back after it was sent away" : "standalone";
            LOG.warn("session 0x{}: persistent watches re-added without the events after zxid 0x{} up to 0x{}, "
                    + "where the replay history starts ({}); the events after that are replayed",
                    Long.toHexString(conn.sessionId), Long.toHexString(w.relativeZxid()),
                    Long.toHexString(history.coveredAfterZxid()), why);
        }
        WatchManager<Connection> mine = new WatchManager<>();
        nonNull(w.persistentWatches()).forEach(p -> mine.addWatch(p, AddWatchMode.PERSISTENT, conn));
        nonNull(w.persistentRecursiveWatches()).forEach(p -> mine.addWatch(p, AddWatchMode.PERSISTENT_RECURSIVE, conn));
        history.forEachAfter(w.relativeZxid(), change -> {
            for (Notification<Connection> n : EventFilter.readable(mine.trigger(change.path(), change.eventType()),
                    change.acl(), sessions)) {
                out.add(new Fired(change.zxid(), n));
            }
        });
        return out;
    }

    /**
     * Re-registers a reconnecting client's watches; what changed after its last zxid fires at once.
     * Those events obey the READ rule of triggered ones ({@link EventFilter}), judged by the node's
     * ACL now. ZooKeeper 3.9 does not filter them, so there a client could learn of a node it may
     * not read (e.g. NodeCreated for an exists watch) just by reconnecting; here the outcome is the
     * same as if the connection had stayed up. NodeDeleted has no node left to judge by and goes out.
     */
    private List<Notification<Connection>> setWatches(Connection conn, SetWatches2 w) {
        List<Notification<Connection>> fired = new ArrayList<>();
        long rel = w.relativeZxid();
        for (String path : nonNull(w.dataWatches())) {
            NodeState node = tree.node(path);
            if (node == null) {
                fired.add(new Notification<>(conn, path, EventType.NODE_DELETED));
            } else if (node.mzxid() > rel) {
                fireIfReadable(fired, conn, path, EventType.NODE_DATA_CHANGED, node);
            } else {
                watches.addDataWatch(path, conn);
            }
        }
        for (String path : nonNull(w.existWatches())) {
            NodeState node = tree.node(path);
            if (node != null) {
                fireIfReadable(fired, conn, path, EventType.NODE_CREATED, node);
            } else {
                watches.addExistWatch(path, conn);
            }
        }
        for (String path : nonNull(w.childWatches())) {
            NodeState node = tree.node(path);
            if (node == null) {
                fired.add(new Notification<>(conn, path, EventType.NODE_DELETED));
            } else if (node.pzxid() > rel) {
                fireIfReadable(fired, conn, path, EventType.NODE_CHILDREN_CHANGED, node);
            } else {
                watches.addChildWatch(path, conn);
            }
        }
        for (String path : nonNull(w.persistentWatches())) {
            watches.addWatch(path, AddWatchMode.PERSISTENT, conn);
        }
        for (String path : nonNull(w.persistentRecursiveWatches())) {
            watches.addWatch(path, AddWatchMode.PERSISTENT_RECURSIVE, conn);
        }
        return fired;
    }

    /** Like a triggered event, one the session may not read is dropped and its watch used up. */
    private void fireIfReadable(List<Notification<Connection>> fired, Connection conn, String path, int eventType,
                                NodeState node) {
        Notification<Connection> n = new Notification<>(conn, path, eventType);
        fired.addAll(EventFilter.readable(List.of(n), node.acl(), sessions));
    }

    static SetWatches2 upgrade(SetWatches w) {
        return new SetWatches2(w.relativeZxid(), w.dataWatches(), w.existWatches(), w.childWatches(),
                List.of(), List.of());
    }

    void addWatch(Connection conn, AddWatchRequest r) throws KeeperError {
        Reads.checkPath(r.path());
        if (r.mode() != AddWatchMode.PERSISTENT && r.mode() != AddWatchMode.PERSISTENT_RECURSIVE) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, r.path());
        }
        watches.addWatch(r.path(), r.mode(), conn);
    }

    void removeWatches(Connection conn, RemoveWatchesRequest r) throws KeeperError {
        Reads.checkPath(r.path());
        if (!watches.removeWatches(r.path(), r.type(), conn)) {
            throw new KeeperError(ErrorCode.NOWATCHER, r.path());
        }
    }

    void checkWatches(Connection conn, CheckWatchesRequest r) throws KeeperError {
        Reads.checkPath(r.path());
        if (!watches.hasWatch(r.path(), r.type(), conn)) {
            throw new KeeperError(ErrorCode.NOWATCHER, r.path());
        }
    }

    private static List<String> nonNull(List<String> list) {
        return list == null ? List.of() : list;
    }
}
