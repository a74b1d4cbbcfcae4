package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The znode tree. Owned by the request thread: every query and mutation must run there, except
 * {@link TreeSnapshot} reads, each of which may run on its own thread (several snapshot views may be
 * open at once: a background snapshot and a SNAP streamed to a follower, say). Mutations do no
 * validation beyond internal consistency (that is {@code TxnPrep}'s job); an impossible mutation
 * (missing parent, existing node, ...) throws {@link IllegalStateException}.
 *
 * <p>Every state change goes through one primitive that (1) publishes the pre-image to every open
 * snapshot view, (2) records an undo entry when an undo journal is open (used to prepare multi ops),
 * and (3) keeps the indexes, the ACL interner, the data size and (once asked for) the digest in step.
 */
public final class DataTree implements PrepTree {
    public static final String ZOOKEEPER = "/zookeeper";
    public static final String CONFIG = "/zookeeper/config";
    public static final String QUOTA = "/zookeeper/quota";

    private final ConcurrentHashMap<String, Znode> nodes;
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    private final Set<String> containers = new HashSet<>();
    private final Set<String> ttls = new HashSet<>();
    private final AclInterner acls = new AclInterner();
    private final Quotas quotas = new Quotas();
    private long digest;
    /**
     * False until {@link #digest()} is first called: nothing on the serving path reads the digest,
     * so hashing every node is put off until someone asks (loading a million-node snapshot then
     * hashes nothing), and from then on kept up to date on every change.
     */
    private boolean digestTracked;
    private long dataSize;
    /** The open snapshot views; each records a pre-image before the first change of a path. */
    private final OpenViews openSnapshots = new OpenViews();
    private List<Undo> undo;
    private record Undo(String path, NodeState before) {
    }

    /** A new tree holding "/", "/zookeeper", "/zookeeper/config" and "/zookeeper/quota" as ZooKeeper. */
    public DataTree() {
        this.nodes = new ConcurrentHashMap<>();
        byte[] empty = new byte[0];
        List<Acl> open = Acl.OPEN_ACL_UNSAFE;
        // The odd cversions and aversion are what a fresh ZooKeeper 3.9 tree reports.
        insertLoaded("/", new NodeState(empty, open, 0, 0, 0, 0, 0, -1, 0, 0, 0));
        insertLoaded(ZOOKEEPER, new NodeState(empty, open, 0, 0, 0, 0, 0, -2, 0, 0, 0));
        insertLoaded(CONFIG, new NodeState(empty, Acl.READ_ACL_UNSAFE, 0, 0, 0, 0, 0, 0, -1, 0, 0));
        insertLoaded(QUOTA, new NodeState(empty, open, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        linkChildren();
    }

    private DataTree(int expectedNodes) {
        this.nodes = new ConcurrentHashMap<>(Math.max(16, expectedNodes));
    }

    /** Paths ZooKeeper never lets a client delete. */
    public static boolean isSystemPath(String path) {
        return "/".equals(path) || ZOOKEEPER.equals(path) || CONFIG.equals(path) || QUOTA.equals(path);
    }

    // ---------------------------------------------------------------- queries

    @Override
    public boolean exists(String path) {
        return nodes.containsKey(path);
    }

    /** The node's state, or null when there is no such node. */
    @Override
    public NodeState node(String path) {
        Znode z = nodes.get(path);
        return z == null ? null : z.state;
    }

    /** The node's Stat, or null when there is no such node. */
    @Override
    public Stat stat(String path) {
        Znode z = nodes.get(path);
        return z == null ? null : z.state.toStat(z.childCount());
    }

    /** Number of children, or -1 when there is no such node. */
    @Override
    public int childCount(String path) {
        Znode z = nodes.get(path);
        return z == null ? -1 : z.childCount();
    }

    /**
     * The children's names in no particular order (ZooKeeper also returns hash order), or null
     * when there is no such node. A fresh list the caller may keep or sort.
     */
    public List<String> children(String path) {
        Znode z = nodes.get(path);
        return z == null ? null : z.childNames(path);
    }

    /** The node's ACL (immutable, shared), or null when there is no such node. */
    @Override
    public List<Acl> acl(String path) {
        Znode z = nodes.get(path);
        return z == null ? null : z.state.acl();
    }

    /** The ephemeral nodes of a session, sorted by path; empty when none. */
    @Override
    public Set<String> ephemerals(long sessionId) {
        Set<String> paths = ephemerals.get(sessionId);
        return paths == null ? Collections.emptySortedSet() : Collections.unmodifiableSet(new TreeSet<>(paths));
    }

    /** Ids of the sessions that own ephemeral nodes. */
    public Set<Long> sessionsWithEphemerals() {
        return Collections.unmodifiableSet(ephemerals.keySet());
    }

    /** Container node paths (live, unmodifiable view). */
    public Set<String> containers() {
        return Collections.unmodifiableSet(containers);
    }

    /** TTL node paths (live, unmodifiable view). */
    public Set<String> ttlNodes() {
        return Collections.unmodifiableSet(ttls);
    }

    /** Number of descendants of {@code path} (children, grandchildren, ...); 0 when missing. */
    public int allChildrenNumber(String path) {
        Znode start = nodes.get(path);
        if (start == null) {
            return 0;
        }
        int[] count = {0};
        Deque<Znode> todo = new ArrayDeque<>();
        todo.push(start);
        while (!todo.isEmpty()) {
            todo.pop().forEachChildPath(childPath -> {
                Znode child = nodes.get(childPath);
                count[0]++;
                if (child != null && child.hasChildren()) {
                    todo.push(child);
                }
            });
        }
        return count[0];
    }

    /**
     * Number of znodes, root and system nodes included. (ZooKeeper's {@code zk_znode_count} is
     * one more, because it also stores the root under "".)
     */
    public int nodeCount() {
        return nodes.size();
    }

    /** Sum over nodes of path length + data length, as ZooKeeper's {@code approximateDataSize}. */
    public long approximateDataSize() {
        return dataSize;
    }

    /**
     * Order-independent 64-bit digest of all paths and states. The first call hashes every node
     * (O(n)); from then on the digest is kept up to date on every change.
     */
    public long digest() {
        if (!digestTracked) {
            long d = 0;
            for (Map.Entry<String, Znode> e : nodes.entrySet()) {
                Znode z = e.getValue();
                z.hash = NodeHash.of(e.getKey(), z.state);
                d += z.hash;
            }
            digest = d;
            digestTracked = true;
        }
        return digest;
    }

    /** The digest recomputed from scratch (to check {@link #digest()}). */
    public long computeDigest() {
        long d = 0;
        for (Map.Entry<String, Znode> e : nodes.entrySet()) {
            d += NodeHash.of(e.getKey(), e.getValue().state);
        }
        return d;
    }

    /** Number of distinct ACL lists held. */
    public int aclCacheSize() {
        return acls.size();
    }

    /** All paths, sorted (for tests, dumps and comparisons; O(n log n)). */
    public List<String> sortedPaths() {
        List<String> paths = new ArrayList<>(nodes.keySet());
        Collections.sort(paths);
        return paths;
    }

    /**
     * Every node as it is now ({@link NodeCodec} bytes), sorted by path: for the thread that owns
     * the tree, which must not change it until the iteration ends. Unlike {@link #beginSnapshot} it
     * takes no view, so it works while a background snapshot holds the tree's one view (a leader
     * serialising a SNAP for a follower during a periodic snapshot).
     */
    public Iterator<Map.Entry<String, byte[]>> sortedNodesNow() {
        Iterator<String> paths = sortedPaths().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return paths.hasNext();
            }

            @Override
            public Map.Entry<String, byte[]> next() {
                String path = paths.next();
                return Map.entry(path, NodeCodec.encode(nodes.get(path).state));
            }
        };
    }

    // ---------------------------------------------------------------- mutations

    /**
     * Creates a node: czxid = mzxid = pzxid = zxid, ctime = mtime = timeMs, versions 0; the
     * parent's cversion becomes {@code parentCVersion} and its pzxid {@code zxid}.
     */
    @Override
    public NodeState createNode(String path, byte[] data, List<Acl> acl, long ephemeralOwner,
                                int parentCVersion, long zxid, long timeMs) {
        if (nodes.containsKey(path)) {
            throw inconsistent("create of existing node " + path);
        }
        String parentPath = PathRules.parent(path);
        NodeState parent = require(parentPath);
        change(parentPath, parent.withChildChange(parentCVersion, zxid));
        NodeState created = change(path, new NodeState(data, acl, zxid, zxid, timeMs, timeMs, 0, 0, 0,
                ephemeralOwner, zxid));
        String statsOf = Quotas.rootOfStatsNode(path);
        if (statsOf != null) {
            recountQuota(statsOf);
        }
        adjustQuota(path, 1, created.dataLength());
        return created;
    }

    /** Deletes a childless node; the parent's cversion goes up by one and its pzxid becomes zxid. */
    @Override
    public NodeState deleteNode(String path, long zxid) {
        NodeState gone = require(path);
        if (nodes.get(path).hasChildren() || "/".equals(path)) {
            throw inconsistent("delete of non-empty node " + path);
        }
        String parentPath = PathRules.parent(path);
        NodeState parent = require(parentPath);
        change(path, null);
        change(parentPath, parent.withChildChange(parent.cversion() + 1, zxid));
        adjustQuota(path, -1, -gone.dataLength());
        return gone;
    }

    /** Replaces the data; version becomes {@code newVersion}, mzxid/mtime the txn's. */
    @Override
    public NodeState setData(String path, byte[] data, int newVersion, long zxid, long timeMs) {
        NodeState old = require(path);
        NodeState next = change(path, old.withData(data, newVersion, zxid, timeMs));
        adjustQuota(path, 0, next.dataLength() - old.dataLength());
        return next;
    }

    /** Replaces the ACL; aversion becomes {@code newAversion}. */
    @Override
    public NodeState setAcl(String path, List<Acl> acl, int newAversion) {
        return change(path, require(path).withAcl(acl, newAversion));
    }

    // ---------------------------------------------------------------- quotas

    /** Which paths have a quota (read by TxnPrep to check hard limits). */
    public Quotas quotas() {
        return quotas;
    }

    @Override
    public String quotaRoot(String path) {
        return quotas.governing(path);
    }

    /** Moves the stats of the quota governing {@code path}, if any (as ZooKeeper's updateQuotaStat). */
    private void adjustQuota(String path, int countDiff, long bytesDiff) {
        String root = quotas.governing(path);
        if (root == null || (countDiff == 0 && bytesDiff == 0)) {
            return;
        }
        String statPath = Quotas.statPath(root);
        Znode stats = nodes.get(statPath);
        if (stats == null) {
            return; // a quota without its stats node counts nothing, as in ZooKeeper
        }
        QuotaStats moved = QuotaStats.parse(stats.state.data()).plus(countDiff, bytesDiff);
        change(statPath, stats.state.withDataKeepingStat(moved.toBytes()));
    }

    /** A stats node was created: it gets the current count and bytes of the subtree it describes. */
    private void recountQuota(String root) {
        long count = 0;
        long bytes = 0;
        Deque<String> todo = new ArrayDeque<>();
        if (nodes.containsKey(root)) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            String path = todo.pop();
            Znode z = nodes.get(path);
            count++;
            bytes += z.state.dataLength();
            if (z.hasChildren()) {
                z.forEachChildPath(todo::push);
            }
        }
        String statPath = Quotas.statPath(root);
        NodeState stats = require(statPath);
        change(statPath, stats.withDataKeepingStat(QuotaStats.of(count, bytes).toBytes()));
    }

    // ---------------------------------------------------------------- undo journal

    /** Starts recording every change so {@link #rollbackUndo()} can revert them. Not nestable. */
    @Override
    public void beginUndo() {
        if (undo != null) {
            throw new IllegalStateException("undo journal already open");
        }
        undo = new ArrayList<>();
    }

    /** Reverts every change since {@link #beginUndo()}, newest first, and closes the journal. */
    @Override
    public void rollbackUndo() {
        List<Undo> journal = undo;
        undo = null;
        if (journal == null) {
            throw new IllegalStateException("no undo journal open");
        }
        for (int i = journal.size() - 1; i >= 0; i--) { // undo is null now: nothing is journaled again
            Undo u = journal.get(i);
            change(u.path(), u.before());
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Starts a consistent snapshot view as of now (call on the request thread after applying zxid).
     * Views are independent: each sees the tree as it was at its own begin, and closing one does
     * not affect the others.
     */
    public TreeSnapshot beginSnapshot(long zxid) {
        TreeSnapshot s = new TreeSnapshot(this, zxid);
        openSnapshots.add(s);
        return s;
    }

    /** Stops recording pre-images for {@code s} (any thread); no effect when it is not open. */
    void endSnapshot(TreeSnapshot s) {
        openSnapshots.remove(s);
    }

    /** Number of snapshot views currently open (for tests and status). */
    public int openSnapshotCount() {
        return openSnapshots.current().length;
    }

    Set<String> liveKeys() {
        return nodes.keySet();
    }

    NodeState liveState(String path) {
        Znode z = nodes.get(path);
        return z == null ? null : z.state;
    }

    /**
     * Rebuilds a tree from (path, {@link NodeCodec} bytes) entries in any order: states, children
     * sets, indexes, digest. Throws IllegalArgumentException for an invalid or duplicate path, a
     * missing parent or a missing root, and WireFormatException for undecodable bytes.
     */
    public static DataTree fromSnapshot(Iterator<? extends Map.Entry<String, byte[]>> entries) {
        return fromSnapshot(entries, 16);
    }

    /** As {@link #fromSnapshot(Iterator)}, sizing the node map for {@code expectedNodes} up front. */
    public static DataTree fromSnapshot(Iterator<? extends Map.Entry<String, byte[]>> entries, long expectedNodes) {
        return fromSnapshot(SnapshotSource.of(entries), expectedNodes);
    }

    /** As {@link #fromSnapshot(Iterator, long)}, reading the nodes from {@code source}. */
    public static DataTree fromSnapshot(SnapshotSource source, long expectedNodes) {
        DataTree t = new DataTree((int) Math.min(Integer.MAX_VALUE / 2, expectedNodes));
        // Sorted input (every snapshot) lists a parent before its children and siblings together,
        // so most nodes link to the parent they follow without a map lookup; any other order still
        // works through the deferred list, linked once every node is in.
        List<String> unlinked = new ArrayList<>();
        Znode lastParent = null;
        try (SnapshotDecoder decoder = new SnapshotDecoder(source, t.nodes)) {
            for (SnapshotDecoder.Decoded d = decoder.next(); d != null; d = decoder.next()) {
                String path = d.path();
                t.accountLoaded(path, d);
                if (path.length() == 1) {
                    continue; // "/"
                }
                if (lastParent == null || !d.sameParent()) {
                    lastParent = t.nodes.get(PathRules.parent(path));
                    if (lastParent == null) {
                        unlinked.add(path);
                        continue;
                    }
                }
                lastParent.addChild(path);
            }
        }
        if (!t.nodes.containsKey("/")) {
            throw new IllegalArgumentException("snapshot has no root node");
        }
        for (String path : unlinked) {
            t.linkToParent(path);
        }
        return t;
    }

    // ---------------------------------------------------------------- internals

    private NodeState require(String path) {
        Znode z = nodes.get(path);
        if (z == null) {
            throw inconsistent("no node " + path);
        }
        return z.state;
    }

    private static IllegalStateException inconsistent(String what) {
        return new IllegalStateException("tree inconsistency: " + what);
    }

    private Znode insertLoaded(String path, NodeState s) {
        Znode z = new Znode(s.withAclInstance(acls.acquire(s.acl())));
        if (nodes.putIfAbsent(path, z) != null) {
            throw new IllegalArgumentException("duplicate path in snapshot: " + path);
        }
        account(path, z);
        return z;
    }

    private void linkChildren() {
        for (String path : nodes.keySet()) {
            if (!"/".equals(path)) {
                linkToParent(path);
            }
        }
    }

    private void linkToParent(String path) {
        Znode parent = nodes.get(PathRules.parent(path));
        if (parent == null) {
            throw new IllegalArgumentException("node without parent: " + path);
        }
        parent.addChild(path);
    }

    /** The one primitive that changes a path's state (null = node absent). */
    private NodeState change(String path, NodeState newState) {
        Znode z = nodes.get(path);
        NodeState old = z == null ? null : z.state;
        if (old == null && newState == null) {
            return null;
        }
        if (newState == null && (z.hasChildren() || "/".equals(path))) {
            throw inconsistent("removal of node with children " + path);
        }
        if (old == null && ("/".equals(path) || !nodes.containsKey(PathRules.parent(path)))) {
            throw inconsistent("no parent for " + path);
        }
        for (TreeSnapshot snap : openSnapshots.current()) {
            snap.recordPreImage(path, old); // must precede the live change: see TreeSnapshot
        }
        if (undo != null) {
            undo.add(new Undo(path, old));
        }
        NodeState next = newState == null ? null : newState.withAclInstance(acls.acquire(newState.acl()));
        if (z != null) {
            unaccount(path, z);
        }
        if (next == null) {
            unlink(path);
        } else if (z == null) {
            z = new Znode(next);
            link(path, z);
            account(path, z);
        } else {
            z.state = next;
            account(path, z);
        }
        return next;
    }

    private void link(String path, Znode z) {
        nodes.put(path, z);
        nodes.get(PathRules.parent(path)).addChild(path);
    }

    private void unlink(String path) {
        nodes.remove(path);
        nodes.get(PathRules.parent(path)).removeChild(path);
    }

    /** {@link #account} for a node the snapshot decoder created, from what it precomputed. */
    private void accountLoaded(String path, SnapshotDecoder.Decoded d) {
        List<Acl> shared = acls.acquire(d.acl());
        if (shared != d.acl()) {
            d.node().state = d.node().state.withAclInstance(shared);
        }
        dataSize += d.accountedBytes();
        quotas.added(path);
        long owner = d.owner();
        if (owner != 0) {
            indexOwned(path, owner);
        }
    }

    private void indexOwned(String path, long owner) {
        if (EphemeralOwner.isContainer(owner)) {
            containers.add(path);
        } else if (EphemeralOwner.isTtl(owner)) {
            ttls.add(path);
        } else if (owner != 0) {
            ephemerals.computeIfAbsent(owner, k -> new HashSet<>()).add(path);
        }
    }

    private void account(String path, Znode z) {
        NodeState s = z.state;
        if (digestTracked) {
            z.hash = NodeHash.of(path, s);
            digest += z.hash;
        }
        dataSize += path.length() + s.dataLength();
        quotas.added(path);
        indexOwned(path, s.ephemeralOwner());
    }

    private void unaccount(String path, Znode z) {
        NodeState s = z.state;
        if (digestTracked) {
            digest -= z.hash;
        }
        dataSize -= path.length() + s.dataLength();
        acls.release(s.acl());
        quotas.removed(path);
        long owner = s.ephemeralOwner();
        if (EphemeralOwner.isContainer(owner)) {
            containers.remove(path);
        } else if (EphemeralOwner.isTtl(owner)) {
            ttls.remove(path);
        } else if (owner != 0) {
            Set<String> paths = ephemerals.get(owner);
            if (paths != null && paths.remove(path) && paths.isEmpty()) {
                ephemerals.remove(owner);
            }
        }
    }
}
