package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import io.coord.wire.Stat;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataTreeTest {
    private static final byte[] D = {1, 2, 3};

    @Test
    void freshTreeLooksLikeZooKeeper() {
        DataTree t = new DataTree();
        assertEquals(List.of("/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"), t.sortedPaths());
        assertEquals(new Stat(0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0), t.stat("/"));
        assertEquals(new Stat(0, 0, 0, 0, 0, -2, 0, 0, 0, 2, 0), t.stat("/zookeeper"));
        assertEquals(new Stat(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0), t.stat("/zookeeper/config"));
        assertEquals(Acl.READ_ACL_UNSAFE, t.acl("/zookeeper/config"));
        assertEquals(Acl.OPEN_ACL_UNSAFE, t.acl("/zookeeper/quota"));
        assertEquals(Set.of("config", "quota"), new HashSet<>(t.children("/zookeeper")));
        assertEquals(3, t.allChildrenNumber("/"));
        assertEquals(4, t.nodeCount());
        assertEquals(t.computeDigest(), t.digest());
        assertNull(t.stat("/nope"));
        assertNull(t.children("/nope"));
        assertEquals(-1, t.childCount("/nope"));
    }

    @Test
    void statArithmetic() {
        DataTree t = new DataTree();
        t.createNode("/a", D, Acl.OPEN_ACL_UNSAFE, 0, 0, 10, 1000);
        assertEquals(new Stat(10, 10, 1000, 1000, 0, 0, 0, 0, 3, 0, 10), t.stat("/a"));
        assertEquals(0, t.stat("/").cversion());
        assertEquals(10, t.stat("/").pzxid());
        t.createNode("/a/b", null, Acl.OPEN_ACL_UNSAFE, 77, 1, 11, 1100);
        assertEquals(new Stat(11, 11, 1100, 1100, 0, 0, 0, 77, 0, 0, 11), t.stat("/a/b"));
        assertEquals(new Stat(10, 10, 1000, 1000, 0, 1, 0, 0, 3, 1, 11), t.stat("/a"));
        assertEquals(Set.of("/a/b"), t.ephemerals(77));
        t.setData("/a", new byte[5], 1, 12, 1200);
        assertEquals(new Stat(10, 12, 1000, 1200, 1, 1, 0, 0, 5, 1, 11), t.stat("/a"));
        List<Acl> readOnly = List.of(new Acl(Perms.READ, Id.ANYONE));
        t.setAcl("/a", readOnly, 1);
        assertEquals(new Stat(10, 12, 1000, 1200, 1, 1, 1, 0, 5, 1, 11), t.stat("/a"));
        assertEquals(readOnly, t.acl("/a"));
        t.deleteNode("/a/b", 13);
        assertEquals(new Stat(10, 12, 1000, 1200, 1, 2, 1, 0, 5, 0, 13), t.stat("/a"));
        assertEquals(Set.of(), t.ephemerals(77));
        assertTrue(t.sessionsWithEphemerals().isEmpty());
        assertEquals(t.computeDigest(), t.digest());
        long size = 0;
        for (String p : t.sortedPaths()) {
            size += p.length() + t.stat(p).dataLength();
        }
        assertEquals(size, t.approximateDataSize());
    }

    @Test
    void impossibleMutationsThrow() {
        DataTree t = new DataTree();
        t.createNode("/a", D, Acl.OPEN_ACL_UNSAFE, 0, 0, 10, 1000);
        t.createNode("/a/b", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 11, 1000);
        long digest = t.digest();
        assertThrows(IllegalStateException.class, () -> t.createNode("/a", D, Acl.OPEN_ACL_UNSAFE, 0, 0, 12, 0));
        assertThrows(IllegalStateException.class, () -> t.createNode("/x/y", D, Acl.OPEN_ACL_UNSAFE, 0, 0, 12, 0));
        assertThrows(IllegalStateException.class, () -> t.deleteNode("/a", 12));
        assertThrows(IllegalStateException.class, () -> t.deleteNode("/", 12));
        assertThrows(IllegalStateException.class, () -> t.deleteNode("/x", 12));
        assertThrows(IllegalStateException.class, () -> t.setData("/x", D, 1, 12, 0));
        assertEquals(digest, t.digest(), "failed mutations change nothing");
        assertEquals(t.computeDigest(), t.digest());
    }

    @Test
    void aclListsAreInterned() {
        DataTree t = new DataTree();
        int base = t.aclCacheSize();
        List<Acl> custom = List.of(new Acl(Perms.READ, new Id("ip", "10.0.0.0/8")));
        for (int i = 0; i < 50; i++) {
            t.createNode("/n" + i, D, new ArrayList<>(custom), 0, i, 10 + i, 0);
        }
        assertSame(t.acl("/n0"), t.acl("/n49"));
        assertEquals(base + 1, t.aclCacheSize());
        for (int i = 0; i < 50; i++) {
            t.deleteNode("/n" + i, 100 + i);
        }
        assertEquals(base, t.aclCacheSize(), "unused lists are forgotten");
    }

    @Test
    void undoJournalRestoresEverything() {
        DataTree t = sample();
        DataTree copy = DataTree.fromSnapshot(snapshotEntries(t));
        t.beginUndo();
        t.createNode("/c", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, 5, 50, 5000);
        t.createNode("/c/x", D, Acl.READ_ACL_UNSAFE, 9, 1, 50, 5000);
        t.deleteNode("/a/e1", 50);
        t.setData("/a", new byte[9], 4, 50, 5000);
        t.setAcl("/a", Acl.READ_ACL_UNSAFE, 3);
        t.deleteNode("/c/x", 50);
        t.rollbackUndo();
        TreeAssert.assertSameTree(copy, t);
        assertThrows(IllegalStateException.class, t::rollbackUndo);
    }

    @Test
    void fromSnapshotRebuildsEqualTree() {
        DataTree t = sample();
        DataTree loaded;
        try (TreeSnapshot s = t.beginSnapshot(42)) {
            assertEquals(42, s.zxid());
            loaded = DataTree.fromSnapshot(s.sortedNodes());
        }
        TreeAssert.assertSameTree(t, loaded);
        assertEquals(Set.of("/a/e1", "/a/e2"), loaded.ephemerals(7));
        assertEquals(Set.of("/ttl"), loaded.ttlNodes());
        assertEquals(Set.of("/box"), loaded.containers());
    }

    @Test
    void fromSnapshotRejectsBadInput() {
        byte[] node = NodeCodec.encode(new DataTree().node("/"));
        assertThrows(IllegalArgumentException.class, () -> DataTree.fromSnapshot(entries("/a", node)));
        assertThrows(IllegalArgumentException.class, () -> DataTree.fromSnapshot(entries("/", node, "/a/b", node)));
        assertThrows(IllegalArgumentException.class, () -> DataTree.fromSnapshot(entries("/", node, "/", node)));
        assertThrows(IllegalArgumentException.class, () -> DataTree.fromSnapshot(entries("/", node, "bad", node)));
        assertThrows(RuntimeException.class, () -> DataTree.fromSnapshot(entries("/", new byte[] {0, 0})));
    }

    @Test
    void nodeCodecRoundTrip() {
        NodeState s = new NodeState(null, List.of(new Acl(3, new Id("digest", "u:x"))), 1, 2, 3, 4, 5, 6, 7,
                EphemeralOwner.ttl(1000), 9);
        assertTrue(s.sameAs(NodeCodec.decode(NodeCodec.encode(s))));
        NodeState e = new NodeState(new byte[0], Acl.OPEN_ACL_UNSAFE, -1, -2, -3, -4, -5, -6, -7, -8, -9);
        NodeState back = NodeCodec.decode(NodeCodec.encode(e));
        assertTrue(e.sameAs(back));
        assertEquals(0, back.data().length);
        byte[] bytes = NodeCodec.encode(e);
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(RuntimeException.class, () -> NodeCodec.decode(longer));
    }

    @Test
    void snapshotIgnoresLaterChanges() {
        DataTree t = sample();
        Map<String, NodeState> before = TreeAssert.states(t);
        TreeSnapshot s = t.beginSnapshot(1);
        t.createNode("/new", D, Acl.OPEN_ACL_UNSAFE, 0, 7, 60, 0);
        t.deleteNode("/a/e2", 61);
        t.setData("/a", new byte[1], 9, 62, 0);
        Map<String, NodeState> seen = new java.util.TreeMap<>();
        s.sortedStates().forEachRemaining(e -> seen.put(e.getKey(), e.getValue()));
        assertEquals(before.keySet(), seen.keySet());
        before.forEach((p, st) -> assertTrue(st.sameAs(seen.get(p)), p));
        List<String> order = new ArrayList<>();
        s.sortedNodes().forEachRemaining(e -> order.add(e.getKey()));
        List<String> sorted = new ArrayList<>(order);
        Collections.sort(sorted);
        assertEquals(sorted, order);
        s.close();
        assertThrows(IllegalStateException.class, s::sortedNodes);
        t.beginSnapshot(3).close();
        assertEquals(0, t.openSnapshotCount());
    }

    /**
     * Two views opened at different points overlap (a background snapshot and a SNAP streamed to a
     * follower, say): each sees the tree at its own begin, and closing one leaves the other intact.
     * With one view at a time the second begin threw 'a snapshot is already in progress'.
     */
    @Test
    void overlappingViewsSeeTheirOwnPointInTime() {
        DataTree t = sample();
        Map<String, NodeState> atFirst = TreeAssert.states(t);
        TreeSnapshot first = t.beginSnapshot(1);
        t.createNode("/new", D, Acl.OPEN_ACL_UNSAFE, 0, 7, 60, 0);
        t.setData("/a", new byte[1], 9, 61, 0);
        Map<String, NodeState> atSecond = TreeAssert.states(t);
        TreeSnapshot second = t.beginSnapshot(2);
        assertEquals(2, t.openSnapshotCount());
        t.deleteNode("/a/e2", 62);
        t.setData("/a", new byte[2], 10, 63, 0);
        t.deleteNode("/new", 64);
        assertSeen(atFirst, first);
        first.close();
        assertEquals(1, t.openSnapshotCount());
        t.createNode("/later", D, Acl.OPEN_ACL_UNSAFE, 0, 8, 65, 0);
        assertSeen(atSecond, second);
        second.close();
        assertEquals(0, t.openSnapshotCount());
        second.close(); // idempotent
        assertEquals(0, t.openSnapshotCount());
    }

    private static void assertSeen(Map<String, NodeState> expected, TreeSnapshot view) {
        Map<String, NodeState> seen = new java.util.TreeMap<>();
        view.sortedStates().forEachRemaining(e -> seen.put(e.getKey(), e.getValue()));
        assertEquals(expected.keySet(), seen.keySet());
        expected.forEach((p, st) -> assertTrue(st.sameAs(seen.get(p)), p));
    }

    @Test
    void expiryCandidates() {
        DataTree t = new DataTree();
        t.createNode("/used", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, 0, 10, 1000);
        t.createNode("/unused", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, 1, 11, 1000);
        t.createNode("/full", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, 2, 12, 1000);
        t.createNode("/used/x", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 13, 1000);
        t.createNode("/full/x", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 14, 1000);
        t.deleteNode("/used/x", 15);
        t.createNode("/ttl", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.ttl(500), 3, 16, 1000);
        t.createNode("/ttlkids", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.ttl(500), 4, 17, 1000);
        t.createNode("/ttlkids/x", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 18, 1000);
        assertEquals(List.of("/used"), ExpiryScan.candidates(t, 1500));
        assertEquals(List.of("/ttl", "/used"), ExpiryScan.candidates(t, 1501));
        assertEquals(List.of("/ttl", "/unused", "/used"), ExpiryScan.candidates(t, 1501, 100));
        t.setData("/ttl", D, 1, 19, 1400);
        assertEquals(List.of("/used"), ExpiryScan.candidates(t, 1501), "setData renews a TTL node");
    }

    @Test
    void ephemeralOwnerEncoding() {
        assertEquals(0xFF00000000000001L, EphemeralOwner.ttl(1));
        assertEquals(1000, EphemeralOwner.ttlMs(EphemeralOwner.ttl(1000)));
        assertTrue(EphemeralOwner.isTtl(EphemeralOwner.ttl(EphemeralOwner.MAX_TTL_MS)));
        assertThrows(IllegalArgumentException.class, () -> EphemeralOwner.ttl(0));
        assertThrows(IllegalArgumentException.class, () -> EphemeralOwner.ttl(EphemeralOwner.MAX_TTL_MS + 1));
        assertTrue(EphemeralOwner.isSession(0x0100000000000001L));
        assertTrue(!EphemeralOwner.isSession(EphemeralOwner.CONTAINER) && !EphemeralOwner.isSession(0));
    }

    /** /a, /a/e1, /a/e2 (ephemeral of session 7), /box (container), /ttl, with a custom ACL. */
    static DataTree sample() {
        DataTree t = new DataTree();
        List<Acl> alice = List.of(new Acl(Perms.ALL, new Id("digest", DigestAuth.generate("alice:pw"))));
        t.createNode("/a", D, alice, 0, 0, 1, 100);
        t.createNode("/a/e1", D, Acl.OPEN_ACL_UNSAFE, 7, 1, 2, 200);
        t.createNode("/a/e2", null, Acl.OPEN_ACL_UNSAFE, 7, 2, 3, 300);
        t.createNode("/box", new byte[0], Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, 1, 4, 400);
        t.createNode("/ttl", D, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.ttl(5000), 2, 5, 500);
        t.setData("/a", new byte[] {9}, 1, 6, 600);
        return t;
    }

    static Iterator<Map.Entry<String, byte[]>> snapshotEntries(DataTree t) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (String p : t.sortedPaths()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(p, NodeCodec.encode(t.node(p))));
        }
        Collections.reverse(out); // any order must do
        return out.iterator();
    }

    private static Iterator<Map.Entry<String, byte[]>> entries(Object... kv) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new AbstractMap.SimpleImmutableEntry<>((String) kv[i], (byte[]) kv[i + 1]));
        }
        return out.iterator();
    }

    @Test
    void digestIsComputedOnFirstUseThenKeptUpToDate() {
        DataTree t = new DataTree();
        t.createNode("/a", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 10, 1000);
        long before = t.digest(); // starts tracking
        assertEquals(t.computeDigest(), before);
        t.createNode("/a/b", D, Acl.OPEN_ACL_UNSAFE, 0, 1, 11, 1100);
        t.setData("/a", new byte[7], 1, 12, 1200);
        t.setAcl("/a/b", Acl.READ_ACL_UNSAFE, 1);
        t.deleteNode("/a/b", 13);
        assertEquals(t.computeDigest(), t.digest());
        t.beginUndo();
        t.createNode("/c", D, Acl.OPEN_ACL_UNSAFE, 0, 3, 14, 1300);
        t.rollbackUndo();
        assertEquals(t.computeDigest(), t.digest());
        t.deleteNode("/a", 15);
        t.createNode("/a", D, Acl.OPEN_ACL_UNSAFE, 0, 2, 10, 1000);
        assertFalse(before == t.digest(), "pzxid and cversion of / changed");
        assertEquals(t.computeDigest(), t.digest());
    }

    @Test
    void fromSnapshotLinksSiblingRunsInSortedAndShuffledOrder() {
        DataTree t = new DataTree();
        long zxid = 1;
        for (int p = 0; p < 12; p++) {
            String parent = "/p" + p;
            t.createNode(parent, D, Acl.OPEN_ACL_UNSAFE, 0, p, zxid++, 0);
            for (int c = 0; c < 40; c++) {
                // names that share prefixes with other parents ("/p1" vs "/p10") and nested levels
                String child = parent + "/n" + c;
                t.createNode(child, D, Acl.OPEN_ACL_UNSAFE, c % 7 == 0 ? 5 : 0, c, zxid++, 0);
                if (c % 9 == 0) {
                    t.createNode(child + "/g", D, Acl.READ_ACL_UNSAFE, 0, 0, zxid++, 0);
                }
            }
        }
        List<Map.Entry<String, byte[]>> sorted = new ArrayList<>();
        for (String p : t.sortedPaths()) {
            sorted.add(new AbstractMap.SimpleImmutableEntry<>(p, NodeCodec.encode(t.node(p))));
        }
        TreeAssert.assertSameTree(t, DataTree.fromSnapshot(sorted.iterator(), sorted.size()));
        List<Map.Entry<String, byte[]>> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new java.util.Random(5));
        DataTree loaded = DataTree.fromSnapshot(shuffled.iterator());
        TreeAssert.assertSameTree(t, loaded);
        assertEquals(t.ephemerals(5), loaded.ephemerals(5));
        assertEquals(t.approximateDataSize(), loaded.approximateDataSize());
        assertEquals(t.aclCacheSize(), loaded.aclCacheSize());
    }
}
