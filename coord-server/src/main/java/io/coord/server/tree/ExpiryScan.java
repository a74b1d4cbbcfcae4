package io.coord.server.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds container and TTL nodes that should be deleted, as ZooKeeper's container manager: a
 * container with no children that has had a child (cversion &gt; 0) — or, when
 * {@code maxNeverUsedIntervalMs} &gt; 0, that never had one and was last modified longer ago
 * than that; a TTL node with no children whose mtime + ttl is before now. Run on the request
 * thread; the pipeline turns each path into a delete that re-checks with
 * {@link #isCandidate(PrepTree, String, long, long)}.
 */
public final class ExpiryScan {
    private ExpiryScan() {
    }

    /** Paths to delete now, sorted. */
    public static List<String> candidates(DataTree tree, long nowMs, long maxNeverUsedIntervalMs) {
        List<String> out = new ArrayList<>();
        for (String path : tree.containers()) {
            if (isCandidate(tree, path, nowMs, maxNeverUsedIntervalMs)) {
                out.add(path);
            }
        }
        for (String path : tree.ttlNodes()) {
            if (isCandidate(tree, path, nowMs, maxNeverUsedIntervalMs)) {
                out.add(path);
            }
        }
        Collections.sort(out);
        return out;
    }

    /** Paths to delete now, with never-used containers kept forever (ZooKeeper's default). */
    public static List<String> candidates(DataTree tree, long nowMs) {
        return candidates(tree, nowMs, 0);
    }

    /** True when the node exists, is a container or TTL node, and is due for deletion. */
    public static boolean isCandidate(PrepTree tree, String path, long nowMs, long maxNeverUsedIntervalMs) {
        NodeState s = tree.node(path);
        if (s == null || tree.childCount(path) != 0) {
            return false;
        }
        long owner = s.ephemeralOwner();
        if (EphemeralOwner.isContainer(owner)) {
            if (s.cversion() > 0) {
                return true;
            }
            return maxNeverUsedIntervalMs > 0 && nowMs - s.mtime() > maxNeverUsedIntervalMs;
        }
        if (EphemeralOwner.isTtl(owner)) {
            return nowMs - s.mtime() > EphemeralOwner.ttlMs(owner);
        }
        return false;
    }
}
