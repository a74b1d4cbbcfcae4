package io.coord.server.zab;

import java.util.List;

/** Decides how a leader synchronises one follower (DIFF, TRUNC or SNAP). Pure. */
final class SyncPlanner {

    /**
     * @param mode      how to sync
     * @param baseZxid  DIFF: the follower's last zxid; TRUNC: the cut point; SNAP: the snapshot's zxid
     * @param entries   leader entries after {@code baseZxid}
     */
    record Plan(SyncMode mode, long baseZxid, List<LogEntry> entries) {
    }

    private SyncPlanner() {
    }

    /**
     * Histories that share a zxid agree on everything up to it (a zxid names one proposal, and every
     * history holding it received it together with its prefix). So the follower keeps its history up
     * to the largest leader point at or below its last zxid and receives the rest. When that point is
     * before the leader's in-memory window, or the follower asked for it, the leader ships a snapshot.
     */
    static Plan plan(ZabLog leader, long followerLastZxid, boolean followerNeedsSnap) {
        long point = leader.largestPointAtOrBelow(followerLastZxid);
        if (followerNeedsSnap || point < 0) {
            long at = leader.appliedZxid();
            return new Plan(SyncMode.SNAP, at, leader.entriesAfter(at));
        }
        if (point == followerLastZxid) {
            return new Plan(SyncMode.DIFF, point, leader.entriesAfter(point));
        }
        return new Plan(SyncMode.TRUNC, point, leader.entriesAfter(point));
    }
}
