package io.coord.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lock checker's verdicts on hand-made histories (the suite's other checkers are the register's, tested in coord-server). */
class CheckersTest {
    @Test
    void tokensThatFollowRealTimeAreValid() {
        LockWorkload w = new LockWorkload("unused:1", new OpLog(), 2);
        w.acquired(0, 0, 10, 5);
        w.setBelief(0, false);
        w.acquired(1, 5, 20, 7); // overlapped with the first acquisition's call: either order is fine
        w.setBelief(1, false);
        w.acquired(0, 30, 40, 9);
        assertEquals(Verdict.Result.VALID, w.check().result(), w.check().toString());
    }

    @Test
    void aLowerTokenAfterAReturnedAcquisitionIsAViolation() {
        LockWorkload w = new LockWorkload("unused:1", new OpLog(), 2);
        w.acquired(0, 0, 10, 9);
        w.acquired(1, 15, 20, 7);
        Verdict v = w.check();
        assertEquals(Verdict.Result.INVALID, v.result());
        assertTrue(v.violations().get(0).contains("token 7") && v.summary().contains("1 acquisitions while another"),
                v.toString());
    }

    @Test
    void aTokenHandedOutTwiceIsAViolation() {
        LockWorkload w = new LockWorkload("unused:1", new OpLog(), 2);
        w.acquired(0, 0, 10, 9);
        w.acquired(1, 5, 12, 9);
        assertEquals(Verdict.Result.INVALID, w.check().result());
    }
}
