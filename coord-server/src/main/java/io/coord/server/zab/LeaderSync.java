package io.coord.server.zab;

import io.coord.server.zab.ZabMessage.NewLeader;

/** Builds the synchronisation bundle (DIFF/TRUNC/SNAP + NEWLEADER) for one follower session. */
final class LeaderSync {
    private final CoreContext ctx;

    LeaderSync(CoreContext ctx) {
        this.ctx = ctx;
    }

    NewLeader bundle(LearnerHandler h, long epoch, long commitZxid) {
        SyncPlanner.Plan plan = SyncPlanner.plan(ctx.log, h.followerLastZxid, h.needSnap);
        ctx.stats.countSync(plan.mode());
        byte[] snapshot = null;
        if (plan.mode() == SyncMode.SNAP) {
            snapshot = ctx.stateProvider.snapshot(plan.baseZxid());
        }
        return new NewLeader(h.session, epoch, plan.mode(), plan.baseZxid(), snapshot, plan.entries(), commitZxid);
    }
}
