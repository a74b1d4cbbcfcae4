package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tree a leader prepares writes against: the committed tree plus a small overlay of the changes
 * proposed and not yet applied to it, one record per changed path (its state after every outstanding
 * change, or "deleted", with its child count), as ZooKeeper's PrepRequestProcessor keeps outstanding
 * change records. Reads see the overlay first, then the committed tree; mutations (the same stat
 * arithmetic as {@link DataTree}, quota stats included) only touch the overlay. So the leader holds
 * one tree, not a second full copy, and each write is applied once here (a few small records) and
 * once, at commit, to the committed tree.
 *
 * <p>A record is dropped once the txn that last changed its path is applied to the committed tree
 * ({@link #applied}): from then on the committed tree says the same. Start one only when every
 * proposed txn is applied (the overlay is then empty and exact); throw it away when proposals are
 * lost or leadership ends. A multi prepares under {@link #beginUndo()}, which records every overlay
 * change so {@link #rollbackUndo()} can revert it. Request thread only.
 */
public final class PendingTree implements PrepTree {
    /** A path's state after every outstanding change; {@code state} null: deleted. */
    private record Change(NodeState state, int childCount, long zxid) {
    }

    /** The zxid that changed a path, in proposal order: what {@link #applied} walks. */
    private record ChangedAt(long zxid, String path) {
    }

    /** The overlay record a path had before a change made under an undo journal (null: none). */
    private record Undo(String path, Change before) {
    }

    private final DataTree committed;
    private final Map<String, Change> changes = new HashMap<>();
    private final ArrayDeque<ChangedAt> order = new ArrayDeque<>();
    /** Overlay records of quota limits nodes: while 0 and the committed tree has no quota, none governs. */
    private int limitRecords;
    private long txnZxid;
    private List<Undo> undo;
    private int undoOrderMark;

    public PendingTree(DataTree committed) {
        this.committed = committed;
    }

    /** The changes that follow belong to the txn proposed at {@code zxid}. */
    public void beginTxn(long zxid) {
        txnZxid = zxid;
    }

    /**
     * The txn at {@code zxid} (and every one before it) is applied to the committed tree: the records
     * of paths no later proposal changed are dropped.
     */
    public void applied(long zxid) {
        while (!order.isEmpty() && order.peekFirst().zxid() <= zxid) {
            String path = order.pollFirst().path();
            Change c = changes.get(path);
            if (c != null && c.zxid() <= zxid) {
                remove(path);
            }
        }
    }

    /** Number of paths with an outstanding change (tests, metrics). */
    public int size() {
        return changes.size();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public NodeState node(String path) {
        Change c = changes.get(path);
        return c != null ? c.state() : committed.node(path);
    }

    @Override
    public boolean exists(String path) {
        return node(path) != null;
    }

    @Override
    public int childCount(String path) {
        Change c = changes.get(path);
        if (c == null) {
            return committed.childCount(path);
        }
        return c.state() == null ? -1 : c.childCount();
    }

    @Override
    public List<Acl> acl(String path) {
        NodeState s = node(path);
        return s == null ? null : s.acl();
    }

    @Override
    public Stat stat(String path) {
        NodeState s = node(path);
        return s == null ? null : s.toStat(childCount(path));
    }

    @Override
    public Set<String> ephemerals(long sessionId) {
        TreeSet<String> out = new TreeSet<>();
        for (String path : committed.ephemerals(sessionId)) {
            if (!changes.containsKey(path)) {
                out.add(path);
            }
        }
        for (Map.Entry<String, Change> e : changes.entrySet()) {
            NodeState s = e.getValue().state();
            if (s != null && s.ephemeralOwner() == sessionId) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** As {@link Quotas#governing}, over the merged view: a quota exists where its limits node does. */
    @Override
    public String quotaRoot(String path) {
        if (limitRecords == 0 && committed.quotas().isEmpty()) {
            return null;
        }
        String candidate = path;
        while (candidate.length() > 1) {
            if (exists(Quotas.limitPath(candidate))) {
                return candidate.equals(DataTree.ZOOKEEPER) || candidate.startsWith(DataTree.ZOOKEEPER + "/")
                        ? null : candidate;
            }
            candidate = PathRules.parent(candidate);
        }
        return null;
    }

    // ---------------------------------------------------------------- mutations

    @Override
    public NodeState createNode(String path, byte[] data, List<Acl> acl, long ephemeralOwner, int parentCVersion,
                                long zxid, long timeMs) {
        if (exists(path)) {
            throw inconsistent("create of existing node " + path);
        }
        String parentPath = PathRules.parent(path);
        NodeState parent = require(parentPath);
        put(parentPath, parent.withChildChange(parentCVersion, zxid), childCount(parentPath) + 1);
        NodeState created = new NodeState(data, acl, zxid, zxid, timeMs, timeMs, 0, 0, 0, ephemeralOwner, zxid);
        put(path, created, 0);
        String statsOf = Quotas.rootOfStatsNode(path);
        if (statsOf != null) {
            recountQuota(statsOf);
        }
        adjustQuota(path, 1, created.dataLength());
        return created;
    }

    @Override
    public NodeState deleteNode(String path, long zxid) {
        NodeState gone = require(path);
        if (childCount(path) > 0 || "/".equals(path)) {
            throw inconsistent("delete of non-empty node " + path);
        }
        String parentPath = PathRules.parent(path);
        NodeState parent = require(parentPath);
        put(path, null, -1);
        put(parentPath, parent.withChildChange(parent.cversion() + 1, zxid), childCount(parentPath) - 1);
        adjustQuota(path, -1, -gone.dataLength());
        return gone;
    }

    @Override
    public NodeState setData(String path, byte[] data, int newVersion, long zxid, long timeMs) {
        NodeState old = require(path);
        NodeState next = old.withData(data, newVersion, zxid, timeMs);
        put(path, next, childCount(path));
        adjustQuota(path, 0, next.dataLength() - old.dataLength());
        return next;
    }

    @Override
    public NodeState setAcl(String path, List<Acl> acl, int newAversion) {
        NodeState next = require(path).withAcl(acl, newAversion);
        put(path, next, childCount(path));
        return next;
    }

    @Override
    public void beginUndo() {
        if (undo != null) {
            throw new IllegalStateException("undo journal already open");
        }
        undo = new ArrayList<>();
        undoOrderMark = order.size();
    }

    @Override
    public void rollbackUndo() {
        List<Undo> journal = undo;
        undo = null;
        if (journal == null) {
            throw new IllegalStateException("no undo journal open");
        }
        for (int i = journal.size() - 1; i >= 0; i--) {
            Undo u = journal.get(i);
            if (u.before() == null) {
                remove(u.path());
            } else {
                record(u.path(), u.before());
            }
        }
        while (order.size() > undoOrderMark) {
            order.pollLast();
        }
    }

    // ---------------------------------------------------------------- quotas

    /** As DataTree's: moves the stats of the quota governing {@code path}, if any. */
    private void adjustQuota(String path, int countDiff, long bytesDiff) {
        String root = quotaRoot(path);
        if (root == null || (countDiff == 0 && bytesDiff == 0)) {
            return;
        }
        String statPath = Quotas.statPath(root);
        NodeState stats = node(statPath);
        if (stats == null) {
            return;
        }
        QuotaStats moved = QuotaStats.parse(stats.data()).plus(countDiff, bytesDiff);
        put(statPath, stats.withDataKeepingStat(moved.toBytes()), childCount(statPath));
    }

    /** As DataTree's: a new stats node gets the count and bytes of its subtree, in the merged view. */
    private void recountQuota(String root) {
        long count = 0;
        long bytes = 0;
        Deque<String> todo = new ArrayDeque<>();
        if (exists(root)) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            String path = todo.pop();
            count++;
            bytes += node(path).dataLength();
            todo.addAll(children(path));
        }
        String statPath = Quotas.statPath(root);
        NodeState stats = require(statPath);
        put(statPath, stats.withDataKeepingStat(QuotaStats.of(count, bytes).toBytes()), childCount(statPath));
    }

    /** Children's full paths in the merged view (for the rare quota recount: scans the overlay). */
    private Set<String> children(String path) {
        Set<String> out = new LinkedHashSet<>();
        List<String> names = committed.children(path);
        if (names != null) {
            for (String name : names) {
                out.add("/".equals(path) ? "/" + name : path + "/" + name);
            }
        }
        for (Map.Entry<String, Change> e : changes.entrySet()) {
            String p = e.getKey();
            if (!"/".equals(p) && PathRules.parent(p).equals(path)) {
                out.add(p);
            }
        }
        out.removeIf(p -> !exists(p));
        return out;
    }

    // ---------------------------------------------------------------- internals

    private NodeState require(String path) {
        NodeState s = node(path);
        if (s == null) {
            throw inconsistent("no node " + path);
        }
        return s;
    }

    private static IllegalStateException inconsistent(String what) {
        return new IllegalStateException("pending tree inconsistency: " + what);
    }

    private void put(String path, NodeState state, int childCount) {
        if (undo != null) {
            undo.add(new Undo(path, changes.get(path)));
        }
        record(path, new Change(state, childCount, txnZxid));
        order.add(new ChangedAt(txnZxid, path));
    }

    private void record(String path, Change c) {
        if (changes.put(path, c) == null && Quotas.isLimitsNode(path)) {
            limitRecords++;
        }
    }

    private void remove(String path) {
        if (changes.remove(path) != null && Quotas.isLimitsNode(path)) {
            limitRecords--;
        }
    }
}
