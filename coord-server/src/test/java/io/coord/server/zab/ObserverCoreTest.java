package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 15: observers (4 and 5 beside voters 1..3) learn everything and decide nothing. */
class ObserverCoreTest {
    private static final Set<Long> OBSERVERS = Set.of(4L, 5L);

    private static MiniCluster cluster(RecoveredState observerFour) {
        return new MiniCluster(Map.of(1L, RecoveredState.empty(), 2L, RecoveredState.empty(),
                3L, RecoveredState.empty(), 4L, observerFour, 5L, RecoveredState.empty()), OBSERVERS);
    }

    private static void assertObserving(MiniCluster c, long leader) {
        for (long id : OBSERVERS) {
            ZabCore o = c.cores.get(id);
            assertTrue(o.observing());
            assertEquals(Role.FOLLOWING, o.role(), "observer " + id);
            assertTrue(o.isServing(), "observer " + id);
            assertEquals(leader, o.leaderId(), "observer " + id);
        }
    }

    @Test
    void oneVoterAndTwoObserversAreNoQuorum() {
        MiniCluster c = cluster(RecoveredState.empty());
        c.down.addAll(Set.of(2L, 3L));
        c.startAll();
        c.drain();
        c.tickAll(40);
        assertEquals(-1, c.servingLeader(), "three of five members are up, but only one of three voters");
        for (long id : List.of(1L, 4L, 5L)) {
            assertFalse(c.cores.get(id).isServing(), "member " + id);
        }
        c.down.remove(2L);
        c.tickAll(40);
        long leader = c.servingLeader();
        assertTrue(leader == 1 || leader == 2, "a voter leads: " + leader);
        assertObserving(c, leader);
        assertEquals(1, c.cores.get(leader).syncedFollowerCount(), "one voting follower");
        assertEquals(Set.of(4L, 5L), c.cores.get(leader).syncedObservers());
    }

    @Test
    void observersGetOnlyCommittedTxnsAndTheirAcksCommitNothing() {
        MiniCluster c = cluster(RecoveredState.empty());
        c.startAll();
        c.drain();
        c.tickAll(10);
        long leader = c.servingLeader();
        assertNotEquals(-1, leader);
        assertObserving(c, leader);
        // Both voting followers hold their logs back: the observers' acks must not make a quorum.
        for (long id = 1; id <= 3; id++) {
            if (id != leader) {
                c.holdPersistence.add(id);
            }
        }
        ZabCore l = c.cores.get(leader);
        Actions proposed = l.propose(new byte[] {42});
        long zxid = proposed.proposedZxid();
        c.handle(leader, proposed);
        c.drain();
        c.tickAll(2);
        assertTrue(l.leaderCommitZxid().orElseThrow() < zxid, "committed without a voter quorum");
        for (long id : OBSERVERS) {
            assertTrue(c.cores.get(id).lastZxid() < zxid, "observer " + id + " was sent an uncommitted proposal");
        }
        c.release(leader == 1 ? 2 : 1);
        c.drain();
        c.tickAll(2);
        assertEquals(zxid, l.leaderCommitZxid().orElseThrow());
        for (long id : OBSERVERS) {
            assertEquals(c.applied.get(leader), c.applied.get(id), "observer " + id + " applies the same sequence");
            assertEquals(zxid, c.cores.get(id).appliedZxid());
        }
    }

    @Test
    void anObserverWithALongerHistoryIsTruncatedNotElected() {
        // Observer 4 holds a newer epoch and txns nobody committed (say, from before it was an observer).
        LogEntry stale = new LogEntry(Zxid.make(5, 1), new byte[] {7});
        MiniCluster c = cluster(new RecoveredState(5, 5, 0, List.of(stale)));
        c.startAll();
        c.drain();
        c.tickAll(20);
        long leader = c.servingLeader();
        assertTrue(leader >= 1 && leader <= 3, "a voter leads: " + leader);
        assertObserving(c, leader);
        assertEquals(c.cores.get(leader).lastZxid(), c.cores.get(4L).lastZxid(), "the stale tail was cut");
        assertFalse(c.applied.get(4L).contains(stale));
        Actions a = c.cores.get(leader).propose(new byte[] {1});
        c.handle(leader, a);
        c.drain();
        c.tickAll(2);
        assertEquals(c.applied.get(leader), c.applied.get(4L));
        assertEquals(List.of(a.proposedZxid()), c.applied.get(4L).stream().map(LogEntry::zxid).toList());
    }
}
