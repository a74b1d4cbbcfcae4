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

    WatchOps(DataTree tree, WatchManager<Connection> watches) {
        this.tree = tree;
        this.watches = watches;
    }

    List<Notification<Connection>> setWatches(Connection conn, SetWatches2 w) {
        List<Notification<Connection>> fired = new ArrayList<>();
        long rel = w.relativeZxid();
        for (String path : nonNull(w.dataWatches())) {
            NodeState node = tree.node(path);
            if (node == null) {
                fired.add(new Notification<>(conn, path, EventType.NODE_DELETED));
            } else if (node.mzxid() > rel) {
                fired.add(new Notification<>(conn, path, EventType.NODE_DATA_CHANGED));
            } else {
                watches.addDataWatch(path, conn);
            }
        }
        for (String path : nonNull(w.existWatches())) {
            if (tree.exists(path)) {
                fired.add(new Notification<>(conn, path, EventType.NODE_CREATED));
            } else {
                watches.addExistWatch(path, conn);
            }
        }
        for (String path : nonNull(w.childWatches())) {
            NodeState node = tree.node(path);
            if (node == null) {
                fired.add(new Notification<>(conn, path, EventType.NODE_DELETED));
            } else if (node.pzxid() > rel) {
                fired.add(new Notification<>(conn, path, EventType.NODE_CHILDREN_CHANGED));
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
