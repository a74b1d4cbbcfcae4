package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeCodec;
import io.coord.server.tree.TreeSnapshot;
import io.coord.wire.Acl;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The leader builds a SNAP for a far-behind follower ({@link MemberState#encodeBlob}) on the request
 * thread while a background snapshot (snapCount) may hold a view of the same tree. The SNAP used to
 * open the tree's one snapshot view, so it threw 'a snapshot is already in progress' there: a fatal
 * stop of the leader (exit 70).
 */
class MemberStateSnapTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSnapIsBuiltWhileABackgroundSnapshotHoldsAView() {
        MemberState state = MemberState.empty(Clock.system(), 200, 1, new byte[32]);
        DataTree tree = state.tree;
        tree.createNode("/a", bytes("a1"), Acl.OPEN_ACL_UNSAFE, 0, tree.node("/").cversion() + 1, 1, 1);
        tree.createNode("/b", bytes("b1"), Acl.OPEN_ACL_UNSAFE, 0, tree.node("/").cversion() + 1, 2, 2);
        // The background snapshot at zxid 2, as EnsembleProcessor starts it; its writer has not finished.
        try (TreeSnapshot background = tree.beginSnapshot(2)) {
            tree.setData("/a", bytes("a2"), 1, 3, 3);
            tree.createNode("/c", bytes("c1"), Acl.OPEN_ACL_UNSAFE, 0, tree.node("/").cversion() + 1, 4, 4);

            MemberState.Blob snap = MemberState.decodeBlob(state.encodeBlob(4));

            assertEquals(4, snap.zxid());
            Map<String, byte[]> sent = new TreeMap<>();
            snap.nodes().forEach(e -> sent.put(e.getKey(), NodeCodec.decode(e.getValue()).data()));
            assertArrayEquals(bytes("a2"), sent.get("/a"), "the SNAP carries the state at its own zxid");
            assertArrayEquals(bytes("c1"), sent.get("/c"));
            // The background snapshot still sees the tree as it was at its begin.
            Map<String, byte[]> old = new TreeMap<>();
            background.sortedStates().forEachRemaining(e -> old.put(e.getKey(), e.getValue().data()));
            assertArrayEquals(bytes("a1"), old.get("/a"));
            assertEquals(null, old.get("/c"));
            assertEquals(1, tree.openSnapshotCount(), "the SNAP's view is released, the background one is not");
        }
        assertEquals(0, tree.openSnapshotCount());
    }
}
