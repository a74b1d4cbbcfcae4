package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipStateTest {
    private static MembershipState of(long... voters) {
        Set<Long> v = new java.util.TreeSet<>();
        for (long id : voters) {
            v.add(id);
        }
        return new MembershipState(TestConfigs.CODEC, Membership.of(0, v, Set.of(), null));
    }

    /** The floor for the members' logged zxids given as a map (members it leaves out told none). */
    private static long floor(MembershipState s, Map<Long, Long> logged) {
        return s.quorumFloor(id -> logged.getOrDefault(id, MembershipState.NOT_LOGGED));
    }

    @Test
    void quorumIsAMajorityOfVotersIgnoringDuplicatesAndNonVoters() {
        MembershipState q = of(1, 2, 3);
        assertTrue(q.isQuorum(List.of(1L, 3L)));
        assertFalse(q.isQuorum(List.of(1L, 1L)));
        assertFalse(q.isQuorum(List.of(1L, 9L)));
        assertFalse(of(1, 2, 3, 4).isQuorum(List.of(1L, 2L)));
        assertTrue(of(1, 2, 3, 4, 5).isQuorum(List.of(1L, 2L, 5L)));
    }

    @Test
    void quorumFloorIsTheCommitPointOfCumulativeAcks() {
        assertEquals(7, floor(of(1, 2, 3, 4, 5), Map.of(1L, 9L, 2L, 7L, 3L, 3L, 4L, 8L, 5L, 1L)));
        assertEquals(-1, floor(of(1, 2, 3, 4, 5), Map.of(1L, 9L, 2L, 7L)));
        assertEquals(5, floor(of(1, 2, 3), Map.of(1L, 5L, 2L, 2L, 3L, 9L, 7L, 100L)));
        MembershipState s = of(1, 2, 3);
        assertEquals(4, floor(s, Map.of(1L, 4L, 2L, 6L)), "the arrays kept across calls are refilled");
        assertEquals(6, floor(s, Map.of(1L, 8L, 2L, 6L, 3L, 0L)));
        assertEquals(-1, floor(s, Map.of(3L, 9L)));
    }

    @Test
    void whileAChangeIsPendingEveryQuorumIsOneOfBothConfigurations() {
        MembershipState s = of(1, 2, 3);
        Actions.Builder out = new Actions.Builder();
        long zxid = Zxid.make(1, 5);
        s.onAppended(zxid, TestConfigs.txn(zxid, Set.of(3L, 4L, 5L), Set.of()), out);
        assertEquals(Set.of(3L, 4L, 5L), s.pending().voters());
        assertFalse(s.isQuorum(List.of(1L, 2L)), "old majority alone");
        assertFalse(s.isQuorum(List.of(4L, 5L)), "new majority alone");
        assertTrue(s.isQuorum(List.of(1L, 3L, 4L)));
        // floors: old {1:9, 2:8, 3:2} -> 8; new {3:2, 4:6, 5:1} -> 2
        assertEquals(2, floor(s, Map.of(1L, 9L, 2L, 8L, 3L, 2L, 4L, 6L, 5L, 1L)));
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), s.allVoters());

        s.onApplied(zxid, out);
        assertNull(s.pending());
        assertEquals(Set.of(3L, 4L, 5L), s.committed().voters());
        assertTrue(s.isQuorum(List.of(4L, 5L)));
        assertTrue(s.takeChanged());
        assertEquals(1, out.build().configChanges().size());
    }

    @Test
    void aTruncatedChangeIsForgottenAndALaterOneCommitsTheEarlier() {
        MembershipState s = of(1, 2, 3);
        Actions.Builder out = new Actions.Builder();
        long first = Zxid.make(1, 5);
        s.onAppended(first, TestConfigs.txn(first, Set.of(1L, 2L, 3L, 4L), Set.of()), out);
        s.onTruncated(Zxid.make(1, 4));
        assertNull(s.pending());
        assertEquals(0, s.committed().version());

        s.onAppended(first, TestConfigs.txn(first, Set.of(1L, 2L, 3L, 4L), Set.of()), out);
        long second = Zxid.make(1, 9);
        s.onAppended(second, TestConfigs.txn(second, Set.of(1L, 2L, 3L), Set.of(4L)), out);
        assertEquals(first, s.committed().version(), "a leader proposes a change only after the last one committed");
        assertEquals(second, s.pending().version());
        assertTrue(s.observing(4) == false && s.pending().observers().contains(4L));
    }

    @Test
    void onlyANewerCommittedConfigurationIsAdopted() {
        MembershipState s = of(1, 2, 3);
        Actions.Builder out = new Actions.Builder();
        Membership newer = TestConfigs.CODEC.decode(TestConfigs.text(9, Set.of(1L, 2L), Set.of(3L))
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(s.adopt(newer, out));
        assertTrue(s.observing(3));
        assertFalse(s.adopt(Membership.of(4, Set.of(1L), Set.of(), null), out));
        assertEquals(9, s.committed().version());
    }

    @Test
    void zxidPacksEpochAndCounter() {
        long z = Zxid.make(3, 7);
        assertEquals(3, Zxid.epochOf(z));
        assertEquals(7, Zxid.counterOf(z));
        assertEquals(Zxid.make(4, 1), Zxid.next(z, 4));
        assertEquals(Zxid.make(3, 8), Zxid.next(z, 3));
    }
}
