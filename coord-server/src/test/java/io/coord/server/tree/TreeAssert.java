package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;

/** Full structural comparison of trees, for tests. */
public final class TreeAssert {
    private TreeAssert() {
    }

    public static void assertSameTree(DataTree expected, DataTree actual) {
        assertEquals(expected.sortedPaths(), actual.sortedPaths(), "paths");
        for (String p : expected.sortedPaths()) {
            NodeState e = expected.node(p);
            NodeState a = actual.node(p);
            assertTrue(e.sameAs(a), () -> p + ": expected " + e + " got " + a);
            assertArrayEquals(e.data(), a.data(), p);
            assertEquals(expected.stat(p), actual.stat(p), p);
            assertEquals(new HashSet<>(expected.children(p)), new HashSet<>(actual.children(p)), p);
        }
        assertEquals(expected.containers(), actual.containers(), "containers");
        assertEquals(expected.ttlNodes(), actual.ttlNodes(), "ttls");
        assertEquals(expected.sessionsWithEphemerals(), actual.sessionsWithEphemerals(), "sessions");
        for (long s : expected.sessionsWithEphemerals()) {
            assertEquals(expected.ephemerals(s), actual.ephemerals(s), "ephemerals of " + s);
        }
        assertEquals(expected.approximateDataSize(), actual.approximateDataSize(), "data size");
        assertEquals(expected.digest(), actual.digest(), "digest");
        assertEquals(actual.computeDigest(), actual.digest(), "incremental digest");
    }

    /** path -> state snapshot of a tree, for later comparison. */
    public static Map<String, NodeState> states(DataTree t) {
        Map<String, NodeState> m = new TreeMap<>();
        for (String p : t.sortedPaths()) {
            m.put(p, t.node(p));
        }
        return m;
    }
}
