package io.coord.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlushPacerTest {
    private final List<Long> waits = new ArrayList<>();

    private FlushPacer pacer(long maxWaitMicros) {
        return new FlushPacer(maxWaitMicros, waits::add);
    }

    @Test
    void quietLogForcesAtOnce() {
        FlushPacer p = pacer(2_000);
        assertFalse(p.pause(1), "nothing forced yet: no sign of load");
        p.forced(FlushPacer.BUSY_BATCH_RECORDS - 1, 800_000);
        assertFalse(p.pause(3), "a small previous batch means writes are not queueing up");
        assertEquals(List.of(), waits);
    }

    @Test
    void busyLogWaitsAsLongAsThePreviousForceTook() {
        FlushPacer p = pacer(2_000);
        p.forced(FlushPacer.BUSY_BATCH_RECORDS, 700_000);
        assertTrue(p.pause(5));
        assertEquals(List.of(700_000L), waits);
    }

    @Test
    void waitIsCappedByTheConfiguredMaximum() {
        FlushPacer p = pacer(1_500);
        p.forced(100, 9_000_000); // a slow disk
        assertTrue(p.pause(5));
        assertEquals(List.of(1_500_000L), waits);
    }

    @Test
    void fullBatchIsForcedWithoutWaiting() {
        FlushPacer p = pacer(2_000);
        p.forced(100, 700_000);
        assertFalse(p.pause(FlushPacer.FULL_BATCH_RECORDS));
        assertTrue(p.pause(FlushPacer.FULL_BATCH_RECORDS - 1));
        assertEquals(List.of(700_000L), waits);
    }

    @Test
    void loadGoingAwayStopsTheWaiting() {
        FlushPacer p = pacer(2_000);
        p.forced(50, 700_000);
        assertTrue(p.pause(10));
        p.forced(1, 700_000); // a lone writer again
        assertFalse(p.pause(1));
        assertEquals(1, waits.size());
    }

    @Test
    void zeroTurnsPacingOffAndNegativeIsRefused() {
        FlushPacer off = pacer(0);
        off.forced(1_000, 700_000);
        assertFalse(off.pause(10));
        assertEquals(List.of(), waits);
        assertThrows(IllegalArgumentException.class, () -> new FlushPacer(-1));
    }
}
