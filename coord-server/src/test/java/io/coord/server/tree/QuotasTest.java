package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.coord.wire.Acl;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tree's quota bookkeeping: which paths have a quota and the stats nodes it keeps. */
class QuotasTest {
    private long zxid = 100;

    @Test
    void statsTextHasZooKeepersLayout() {
        QuotaStats limits = QuotaStats.parse(bytes("count=-1,bytes=-1=;byteHardLimit=10;countHardLimit=2"));
        assertEquals(2, limits.get(QuotaStats.COUNT_HARD_LIMIT));
        assertEquals(10, limits.get(QuotaStats.BYTE_HARD_LIMIT));
        assertEquals(-1, limits.get(QuotaStats.COUNT));
        assertEquals("count=-1,bytes=-1=;byteHardLimit=10;countHardLimit=2", limits.toString());
        assertEquals("count=3,bytes=7", QuotaStats.of(3, 7).toString());
        assertEquals("count=4,bytes=5", QuotaStats.parse(bytes("count=3;bytes=7")).plus(1, -2).toString());
        // Lenient: junk pairs are skipped, a missing key reads as -1.
        QuotaStats junk = QuotaStats.parse(bytes("count=x,,bytes=,zzz"));
        assertEquals(-1, junk.get(QuotaStats.COUNT));
        assertEquals(-1, junk.get(QuotaStats.BYTES));
        assertEquals(-1, QuotaStats.parse(null).get(QuotaStats.COUNT));
    }

    @Test
    void statsNodeIsComputedOnCreateAndMovedByChanges() {
        DataTree t = new DataTree();
        create(t, "/a", "12");
        create(t, "/a/b", "345");
        create(t, "/ab", "not under /a");
        setQuota(t, "/a", "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5");
        assertEquals("count=2,bytes=5", stats(t, "/a"));
        assertEquals(Set.of("/a"), t.quotas().roots());
        assertEquals("/a", t.quotas().governing("/a/b/c"));
        assertNull(t.quotas().governing("/ab"));

        create(t, "/a/b/c", "6789");
        t.setData("/a/b", bytes("3"), 1, ++zxid, 0);
        t.deleteNode("/a/b/c", ++zxid);
        create(t, "/ab/x", "ignored");
        assertEquals("count=2,bytes=3", stats(t, "/a"));
        NodeState statsNode = t.node(Quotas.statPath("/a"));
        assertEquals(0, statsNode.version());
        assertEquals(statsNode.czxid(), statsNode.mzxid());
    }

    @Test
    void undoRestoresStatsAndQuotaRoots() {
        DataTree t = new DataTree();
        create(t, "/a", "");
        setQuota(t, "/a", "count=10,bytes=-1");
        t.beginUndo();
        create(t, "/a/x", "123");
        t.deleteNode(Quotas.limitPath("/a"), ++zxid);
        assertNull(t.quotas().governing("/a/x"));
        t.rollbackUndo();
        assertEquals("count=1,bytes=0", stats(t, "/a"));
        assertEquals("/a", t.quotas().governing("/a/x"));
    }

    @Test
    void snapshotLoadKnowsTheQuotasAndKeepsCounting() {
        DataTree t = new DataTree();
        create(t, "/a", "1");
        setQuota(t, "/a", "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=3");
        create(t, "/a/b", "22");
        DataTree loaded;
        try (TreeSnapshot s = t.beginSnapshot(zxid)) {
            loaded = DataTree.fromSnapshot(s.sortedNodes());
        }
        assertEquals(Set.of("/a"), loaded.quotas().roots());
        assertEquals("count=2,bytes=3", stats(loaded, "/a"));
        create(loaded, "/a/c", "");
        assertEquals("count=3,bytes=3", stats(loaded, "/a"));
    }

    @Test
    void noQuotaNoStatsWork() {
        DataTree t = new DataTree();
        create(t, "/a", "x");
        assertNull(t.quotas().governing("/a"));
        assertEquals(Set.of(), t.quotas().roots());
        // A quota on something under /zookeeper governs nothing.
        setQuota(t, "/zookeeper", "count=1,bytes=1");
        assertNull(t.quotas().governing("/zookeeper/config"));
    }

    private void setQuota(DataTree t, String path, String limits) {
        String quotaPath = DataTree.QUOTA;
        for (String part : path.substring(1).split("/")) {
            quotaPath += "/" + part;
            if (!t.exists(quotaPath)) {
                create(t, quotaPath, "");
            }
        }
        create(t, Quotas.limitPath(path), limits);
        create(t, Quotas.statPath(path), "count=0,bytes=0");
    }

    private void create(DataTree t, String path, String data) {
        NodeState parent = t.node(PathRules.parent(path));
        t.createNode(path, bytes(data), Acl.OPEN_ACL_UNSAFE, 0, parent.cversion() + 1, ++zxid, 0);
    }

    private static String stats(DataTree t, String path) {
        return new String(t.node(Quotas.statPath(path)).data(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
