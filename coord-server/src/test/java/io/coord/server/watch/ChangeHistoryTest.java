package io.coord.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeHistoryTest {

    private static List<Long> zxidsAfter(ChangeHistory<String> h, long zxid) {
        List<Long> out = new ArrayList<>();
        h.forEachAfter(zxid, c -> out.add(c.zxid()));
        return out;
    }

    @Test
    void coversNothingBeforeItStarts() {
        ChangeHistory<String> h = new ChangeHistory<>(4);
        h.record(5, "/a", 1, "acl");
        assertFalse(h.covers(0));
        assertEquals(0, h.size());
    }

    @Test
    void keepsEventsInZxidOrderAndGivesThoseAfterAZxid() {
        ChangeHistory<String> h = new ChangeHistory<>(10);
        h.startAt(10);
        h.record(11, "/a", 1, null);
        h.record(11, "/", 4, null);
        h.record(12, "/a", 3, null);
        h.record(14, "/a", 2, null);
        assertTrue(h.covers(10));
        assertFalse(h.covers(9));
        assertEquals(List.of(11L, 11L, 12L, 14L), zxidsAfter(h, 10));
        assertEquals(List.of(12L, 14L), zxidsAfter(h, 11));
        assertEquals(List.of(14L), zxidsAfter(h, 13));
        assertEquals(List.of(), zxidsAfter(h, 14));
    }

    @Test
    void evictingTheOldestMovesTheCoveredPointToItsZxid() {
        ChangeHistory<String> h = new ChangeHistory<>(3);
        h.startAt(0);
        for (long z = 1; z <= 5; z++) {
            h.record(z, "/n" + z, 3, null);
        }
        assertEquals(3, h.size());
        assertEquals(2, h.coveredAfterZxid());
        assertFalse(h.covers(1));
        assertTrue(h.covers(2));
        assertEquals(List.of(3L, 4L, 5L), zxidsAfter(h, 2));
        // Two events of one zxid, one of them evicted: that zxid is no longer covered.
        h.record(6, "/x", 1, null);
        h.record(6, "/", 4, null);
        assertEquals(4, h.coveredAfterZxid());
        assertEquals(List.of(5L, 6L, 6L), zxidsAfter(h, 4));
    }

    @Test
    void startingAgainForgetsEverything() {
        ChangeHistory<String> h = new ChangeHistory<>(3);
        h.startAt(0);
        h.record(1, "/a", 1, null);
        h.startAt(7);
        assertEquals(0, h.size());
        assertFalse(h.covers(6));
        assertEquals(List.of(), zxidsAfter(h, 0));
    }

    @Test
    void overflowedOnlyOnceAnEventIsEvictedAndAgainFalseAfterARestart() {
        ChangeHistory<String> h = new ChangeHistory<>(2);
        h.startAt(10);
        h.record(11, "/a", 3, null);
        h.record(12, "/a", 3, null);
        assertFalse(h.overflowed(), "full but nothing evicted: it still reaches back to its start");
        assertFalse(h.covers(9), "a zxid before the start is not covered, yet nothing was evicted");
        h.record(13, "/a", 3, null);
        assertTrue(h.overflowed());
        h.startAt(20);
        assertFalse(h.overflowed(), "a new state starts a new history");
    }
}
