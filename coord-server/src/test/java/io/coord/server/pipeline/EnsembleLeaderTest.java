package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.tree.DataTree;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnEntry;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.OpCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The leader's prepare step and the sessions it writes for. A write of a session that expired on
 * the leader while the write was on its way (forwarded by a member that had not applied the close
 * yet, or held on its connection behind a read) is refused with SESSIONEXPIRED, as ZooKeeper's
 * leader refuses it. Before, it was proposed after the session's close: an ephemeral created so
 * belonged to a session that no longer existed, and nothing ever deleted it.
 */
class EnsembleLeaderTest {
    private static final long SESSION = 0x1000000000001L;

    @Test
    void aWriteOfASessionThatExpiredWhileItWasOnItsWayIsRefusedWithSessionExpired() {
        Set<Long> live = new HashSet<>(Set.of(SESSION));
        EnsembleLeader leader = new EnsembleLeader(false, AuthPolicy.DEFAULT, live::contains);
        leader.startPending(new DataTree());

        TxnEntry before = leader.prepare(ephemeralCreate("/before"), 1, 0);
        assertInstanceOf(Txn.CreateTxn.class, before.txn(), "the session lives: its write is proposed");
        assertNotNull(leader.pending().node("/before"));

        live.remove(SESSION); // its bucket came due: the close is queued behind the write below
        TxnEntry closeQueued = leader.prepare(
                ForwardedRequest.local(0, SESSION, 0, OpCode.CLOSE_SESSION, null, List.of(), null), 2, 0);
        assertEquals(new Txn.CloseSessionTxn(List.of("/before")), closeQueued.txn());

        TxnEntry after = leader.prepare(ephemeralCreate("/after"), 3, 0);
        assertEquals(new Txn.ErrorTxn(ErrorCode.SESSIONEXPIRED.code()), after.txn());
        assertNull(leader.pending().node("/after"), "no ephemeral outlives its session's close");
    }

    /**
     * Starting to lead copies nothing, so it works while a background snapshot holds the committed
     * tree's one snapshot view (copying the tree then threw on the request thread, a fatal stop,
     * which the pipeline had to avoid by holding back every proposal until the snapshot was
     * written); and each applied txn empties the overlay of what it made current.
     */
    @Test
    void preparesWhileASnapshotHoldsTheTreeAndForgetsWhatIsApplied() {
        DataTree committed = new DataTree();
        EnsembleLeader leader = new EnsembleLeader(false, AuthPolicy.DEFAULT, id -> true);
        try (var snapshot = committed.beginSnapshot(0)) {
            leader.startPending(committed);
            TxnEntry e = leader.prepare(ephemeralCreate("/x"), 1, 0);
            assertInstanceOf(Txn.CreateTxn.class, e.txn());
            assertNull(committed.node("/x"), "only the overlay has it until it commits");
            assertNotNull(leader.pending().node("/x"));
            io.coord.server.txn.TxnApplier.apply(committed, leader.takeProposed(1).header(), e.txn());
            leader.applied(1);
            assertEquals(0, leader.pending().size());
            assertNotNull(leader.pending().node("/x"), "now read from the committed tree");
        }
    }

    /**
     * Local sessions: the leader proposes the persistent writes of a session it does not know as
     * global when they come from the member whose id the session carries (its local session), but
     * never its ephemerals (the member upgrades the session first), and nothing of it from another
     * member (a local session never moves: that is a global session that closed meanwhile).
     */
    @Test
    void aSessionThatIsNotGlobalWritesOnlyPersistentNodesThroughItsOwnMember() {
        long local = (2L << 56) | 7; // member 2's
        EnsembleLeader leader = new EnsembleLeader(false, AuthPolicy.DEFAULT, id -> true, id -> false);
        leader.startPending(new DataTree());
        TxnEntry persistent = leader.prepare(create(2, local, "/p", CreateMode.PERSISTENT), 1, 0);
        assertInstanceOf(Txn.CreateTxn.class, persistent.txn());
        assertEquals(new Txn.ErrorTxn(ErrorCode.SESSIONEXPIRED.code()),
                leader.prepare(create(2, local, "/e", CreateMode.EPHEMERAL), 2, 0).txn());
        assertEquals(new Txn.ErrorTxn(ErrorCode.SESSIONEXPIRED.code()),
                leader.prepare(create(3, local, "/q", CreateMode.PERSISTENT), 3, 0).txn());
        assertNull(leader.pending().node("/e"));
        assertNull(leader.pending().node("/q"));
    }

    private static ForwardedRequest create(long origin, long session, String path, CreateMode mode) {
        return ForwardedRequest.local(origin, session, 1, OpCode.CREATE,
                new CreateRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, mode.flag()), List.of(), "127.0.0.1");
    }

    private static ForwardedRequest ephemeralCreate(String path) {
        return ForwardedRequest.local(2, SESSION, 1, OpCode.CREATE,
                new CreateRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL.flag()), List.of(),
                "127.0.0.1");
    }
}
