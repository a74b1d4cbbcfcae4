package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {
    private static LogEntry e(long epoch, long counter) {
        return new LogEntry(Zxid.make(epoch, counter), new byte[] {(byte) counter});
    }

    /** Leader history: (1,1) (1,2) (1,3) (3,1) (3,2), nothing applied. */
    private static ZabLog leaderLog() {
        return new ZabLog(0, List.of(e(1, 1), e(1, 2), e(1, 3), e(3, 1), e(3, 2)));
    }

    private static List<Long> zxids(List<LogEntry> entries) {
        List<Long> out = new ArrayList<>();
        entries.forEach(x -> out.add(x.zxid()));
        return out;
    }

    @Test
    void followerWithAPrefixGetsADiff() {
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), Zxid.make(1, 3), false);
        assertEquals(SyncMode.DIFF, p.mode());
        assertEquals(Zxid.make(1, 3), p.baseZxid());
        assertEquals(List.of(Zxid.make(3, 1), Zxid.make(3, 2)), zxids(p.entries()));
    }

    @Test
    void upToDateFollowerGetsAnEmptyDiff() {
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), Zxid.make(3, 2), false);
        assertEquals(SyncMode.DIFF, p.mode());
        assertEquals(List.of(), p.entries());
    }

    @Test
    void emptyFollowerGetsEverythingAsADiff() {
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), 0, false);
        assertEquals(SyncMode.DIFF, p.mode());
        assertEquals(5, p.entries().size());
    }

    @Test
    void followerAheadIsTruncatedToTheLeadersLast() {
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), Zxid.make(3, 5), false);
        assertEquals(SyncMode.TRUNC, p.mode());
        assertEquals(Zxid.make(3, 2), p.baseZxid());
        assertEquals(List.of(), p.entries());
    }

    @Test
    void divergedFollowerIsTruncatedToTheCommonPointThenDiffed() {
        // follower: (1,1) (1,2) (1,3) (2,1) (2,2) -- epoch 2 never made it into the leader's history
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), Zxid.make(2, 2), false);
        assertEquals(SyncMode.TRUNC, p.mode());
        assertEquals(Zxid.make(1, 3), p.baseZxid());
        assertEquals(List.of(Zxid.make(3, 1), Zxid.make(3, 2)), zxids(p.entries()));
    }

    @Test
    void followerBehindTheInMemoryWindowGetsASnapshot() {
        ZabLog log = leaderLog();
        log.applyThrough(Zxid.make(3, 1), new Actions.Builder());
        log.trim(1); // keeps only (3,1) applied plus (3,2); base becomes (1,3)
        assertEquals(Zxid.make(1, 3), log.baseZxid());
        SyncPlanner.Plan p = SyncPlanner.plan(log, Zxid.make(1, 1), false);
        assertEquals(SyncMode.SNAP, p.mode());
        assertEquals(Zxid.make(3, 1), p.baseZxid());
        assertEquals(List.of(Zxid.make(3, 2)), zxids(p.entries()));
        // but a follower exactly at the base can still be diffed
        assertEquals(SyncMode.DIFF, SyncPlanner.plan(log, Zxid.make(1, 3), false).mode());
    }

    @Test
    void followerAskingForASnapshotGetsOne() {
        SyncPlanner.Plan p = SyncPlanner.plan(leaderLog(), Zxid.make(1, 3), true);
        assertEquals(SyncMode.SNAP, p.mode());
        assertEquals(0, p.baseZxid());
        assertEquals(5, p.entries().size());
    }
}
