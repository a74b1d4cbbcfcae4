package io.coord.server.zab;

import io.coord.server.zab.ZabMessage.NewLeader;
import java.util.List;

/** Builds the synchronisation bundle (DIFF/TRUNC/SNAP + NEWLEADER) for one follower session. */
final class LeaderSync {
    private final CoreContext ctx;

    LeaderSync(CoreContext ctx) {
        this.ctx = ctx;
    }

    /**
     * An observer's bundle stops at {@code commitZxid}: it is sent only committed txns (the rest
     * reaches it as INFORMs once committed), so a proposal that is later dropped never reaches it.
     */
    NewLeader bundle(LearnerHandler h, long epoch, long commitZxid) {
        SyncPlanner.Plan plan = SyncPlanner.plan(ctx.log, h.followerLastZxid, h.needSnap);
        ctx.stats.countSync(plan.mode());
        byte[] snapshot = null;
        if (plan.mode() == SyncMode.SNAP) {
            snapshot = ctx.stateProvider.snapshot(plan.baseZxid());
        }
        List<LogEntry> entries = plan.entries();
        if (h.observer) {
            entries = entries.stream().filter(e -> e.zxid() <= commitZxid).toList();
        }
        Membership config = ctx.configs.committed();
        return new NewLeader(h.session, epoch, plan.mode(), plan.baseZxid(), snapshot, entries, commitZxid,
                config.version(), config.encoded());
    }

    /** The last zxid a learner holds once it has applied {@code bundle}. */
    static long lastZxidOf(NewLeader bundle) {
        List<LogEntry> entries = bundle.entries();
        return entries.isEmpty() ? bundle.baseZxid() : entries.get(entries.size() - 1).zxid();
    }
}
