package io.coord.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.bench.faults.OneShotWatchWorkload.Kind;
import io.coord.bench.faults.OneShotWatchWorkload.Rec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lock, watch and one-shot watch checkers' verdicts on hand-made histories (the register's checker is tested in
 * coord-server).
 */
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

    /** A watch checker with one watcher fed by hand, and acknowledged writes at zxids 1..10. */
    private static WatchWorkload watchHistory() {
        WatchWorkload w = new WatchWorkload(null, "unused:1", new OpLog(), 1);
        w.addWatcher(null);
        for (long z = 1; z <= 10; z++) {
            w.acknowledged(z);
        }
        return w;
    }

    @Test
    void everyAcknowledgedChangeSeenInOrderAcrossAReconnectIsValid() {
        WatchWorkload w = watchHistory();
        for (long z = 1; z <= 4; z++) {
            w.observed(0, z);
        }
        w.reconnected(0); // the member replays what the watcher missed
        for (long z = 5; z <= 10; z++) {
            w.observed(0, z);
        }
        assertEquals(Verdict.Result.VALID, w.check().result(), w.check().toString());
    }

    @Test
    void aGapIsReportedWithItsRangeAndWhetherItCameAcrossAReconnect() {
        WatchWorkload w = watchHistory();
        w.observed(0, 1);
        w.observed(0, 2);
        w.observed(0, 4); // 3 missed on one connection
        w.reconnected(0);
        w.observed(0, 8); // 5-7 missed across the reconnect
        w.observed(0, 9);
        Verdict v = w.check();
        assertEquals(Verdict.Result.INVALID, v.result());
        String gap = v.violations().get(0);
        assertTrue(gap.contains("4 acknowledged changes") && gap.contains("2 gap(s), 1 of them across a reconnect")
                && gap.contains("0x3 (1, on one connection)") && gap.contains("0x5-0x7 (3, across a reconnect)"),
                gap);
    }

    @Test
    void anEventTwiceOrOutOfOrderIsAViolationAndANewSessionIsJudgedAlone() {
        WatchWorkload w = watchHistory();
        w.observed(0, 1);
        w.observed(0, 2);
        w.observed(0, 3);
        w.sessionLost(0); // its watch went with the session: 4-5 are not owed to it
        w.observed(0, 6);
        w.observed(0, 6);
        Verdict v = w.check();
        assertEquals(1, v.violations().size(), v.toString());
        assertTrue(v.violations().get(0).contains("session 1: event zxid 0x6 after 0x6"), v.toString());
    }

    private static Rec set(int node, long id, long version) {
        return new Rec(Kind.SET, node, id, version);
    }

    private static Rec fired(int node, long id) {
        return new Rec(Kind.FIRED, node, id, -1);
    }

    private static Rec read(int node, long version) {
        return new Rec(Kind.READ, node, -1, version);
    }

    private static List<String> oneShot(Rec... stream) {
        List<String> violations = new ArrayList<>();
        OneShotChecks.session("w", List.of(stream), violations);
        return violations;
    }

    @Test
    void aWatchThatFiresOnceBeforeItsNewDataIsSeenIsValid() {
        assertEquals(List.of(), oneShot(set(0, 1, 5), read(0, 5), read(1, 9), fired(0, 1), read(0, 7), set(0, 2, 7)));
    }

    @Test
    void newDataSeenBeforeTheWatchFiredIsAViolation() {
        List<String> v = oneShot(set(0, 1, 5), read(0, 7), fired(0, 1));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("read at 0x7 before the event of its watch set at 0x5"), v.toString());
    }

    @Test
    void aWatchThatFiresTwiceIsAViolation() {
        List<String> v = oneShot(set(0, 1, 5), fired(0, 1), fired(0, 1));
        assertTrue(v.size() == 1 && v.get(0).contains("fired twice"), v.toString());
    }

    @Test
    void noNewerVersionAfterAnEventIsAViolationOnTheSameConnectionOnly() {
        List<String> v = oneShot(set(0, 1, 5), fired(0, 1), read(0, 5));
        assertTrue(v.size() == 1 && v.get(0).contains("(no newer version)"), v.toString());
        assertEquals(List.of(), oneShot(set(0, 1, 5), fired(0, 1), new Rec(Kind.DISCONNECTED, -1, -1, -1), read(0, 5)));
    }

    @Test
    void aWatchOfALiveSessionThatAnAcknowledgedChangeNeverFiredIsAViolation() {
        OneShotWatchWorkload w = new OneShotWatchWorkload(null, "unused:1", new OpLog(), 1);
        int watcher = w.addWatcher();
        w.acknowledged(0, 9);
        w.record(watcher, set(0, 1, 5));
        w.record(watcher, set(1, 2, 5)); // nothing was written to node 1 after 5: nothing owed
        assertTrue(w.check().violations().get(0).contains("never fired, though the change 0x9"), w.check().toString());
        w.record(watcher, fired(0, 1));
        assertEquals(Verdict.Result.VALID, w.check().result(), w.check().toString());
        w.newSession(watcher); // an expired session's watches are not owed
        w.record(watcher, set(0, 3, 9));
        w.acknowledged(0, 11);
        assertEquals(Verdict.Result.INVALID, w.check().result(), "the last session lives: its watch is owed");
    }
}
