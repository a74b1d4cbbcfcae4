package io.coord.server.pipeline;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.server.watch.Notification;
import io.coord.server.watch.WatchManager;
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
import java.util.List;

/**
 * setWatches on reconnect, addWatch, removeWatches and checkWatches. Request-thread only.
 *
 * <p>On reconnect a client sends the watches it holds and the last zxid it saw; whatever changed
 * after that zxid fires at once, so nothing is missed while the client was away.
 */
final class WatchOps {
    private final DataTree tree;
    private final WatchManager<Connection> watches;
    private final Sessions sessions;

    WatchOps(DataTree tree, WatchManager<Connection> watches, Sessions sessions) {
        this.tree = tree;
        this.watches = watches;
        this.sessions = sessions;
    }

    /**
     * Re-registers a reconnecting client's watches; what changed after its last zxid fires at once.
     * Those events obey the READ rule of triggered ones ({@link EventFilter}), judged by the node's
     * ACL now. ZooKeeper 3.9 does not filter them, so there a client could learn of a node it may
     * not read (e.g. NodeCreated for an exists watch) just by reconnecting; here the outcome is the
     * same as if the connection had stayed up. NodeDeleted has no node left to judge by and goes out.
     */
    List<Notification<Connection>> setWatches(Connection conn, SetWatches2 w) {
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
