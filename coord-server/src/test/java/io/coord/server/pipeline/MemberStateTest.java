package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.wire.Acl;
import org.junit.jupiter.api.Test;

class MemberStateTest {

    /**
     * A leader serialises a SNAP for a follower while its periodic snapshot still holds the tree's
     * snapshot view (found by the whole-member simulation: beginSnapshot threw 'a snapshot is
     * already in progress' on the request thread, a fatal stop). The blob is the tree as it is now,
     * and the background snapshot still sees the tree as it was when it began.
     */
    @Test
    void aSnapBlobCanBeMadeWhileABackgroundSnapshotHoldsTheView() {
        MemberState state = MemberState.empty(() -> 0L, 2000, 1, new byte[32]);
        state.tree.createNode("/a", new byte[] {1}, Acl.OPEN_ACL_UNSAFE, 0, 0, 1, 1000);
        try (TreeSnapshot background = state.tree.beginSnapshot(1)) {
            state.tree.createNode("/b", new byte[] {2}, Acl.OPEN_ACL_UNSAFE, 0, 1, 2, 1001);
            MemberState.Blob blob = MemberState.decodeBlob(state.encodeBlob(2));
            DataTree copy = DataTree.fromSnapshot(blob.nodes().iterator());
            assertEquals(state.tree.digest(), copy.digest(), "the SNAP holds the tree as it is now");
            assertEquals(2, blob.zxid());
            DataTree asOfBegin = DataTree.fromSnapshot(background.sortedNodes());
            assertEquals(false, asOfBegin.exists("/b"), "the background snapshot is unaffected");
        }
    }
}
