package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTest {
    @Test
    void majorityOfThreeAndFive() {
        assertEquals(2, new Quorum(Set.of(1L, 2L, 3L)).size());
        assertEquals(3, new Quorum(Set.of(1L, 2L, 3L, 4L, 5L)).size());
        assertEquals(3, new Quorum(Set.of(1L, 2L, 3L, 4L)).size());
    }

    @Test
    void quorumIgnoresDuplicatesAndNonVoters() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L));
        assertTrue(q.isQuorum(List.of(1L, 3L)));
        assertFalse(q.isQuorum(List.of(1L, 1L)));
        assertFalse(q.isQuorum(List.of(1L, 9L)));
    }

    @Test
    void quorumFloorIsTheCommitPointOfCumulativeAcks() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L, 4L, 5L));
        assertEquals(7, q.quorumFloor(new long[] {9, 7, 3, 8, 1}));
        assertEquals(-1, q.quorumFloor(new long[] {9, 7}));
        assertEquals(5, new Quorum(Set.of(1L, 2L, 3L)).quorumFloor(new long[] {5, 2, 9}));
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
