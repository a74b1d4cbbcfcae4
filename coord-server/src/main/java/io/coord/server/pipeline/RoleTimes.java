package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.zab.Role;
import java.util.Map;

/**
 * How long an ensemble member spends between roles, as ZooKeeper's QuorumPeer measures it:
 * election_time (looking until a leader is chosen), unavailable_time (looking until serving
 * clients again), follower_sync_time / observer_sync_time (leader chosen until synced and serving),
 * leader_unavailable_time (the unavailable times after which it led), looking_count (times it started looking) and leader_uptime (how long it has led). All in ms. Request thread only; a standalone server
 * is never fed, so it reports zero counts, as ZooKeeper's standalone server does.
 */
final class RoleTimes {
    private static final long NOT_STARTED = -1;
    private final SummaryRecorder electionMs = new SummaryRecorder(false);
    private final SummaryRecorder unavailableMs = new SummaryRecorder(false);
    /** The unavailable times that ended with this member leading (ZooKeeper's leader_unavailable_time). */
    private final SummaryRecorder leaderUnavailableMs = new SummaryRecorder(false);
    private final SummaryRecorder followerSyncMs = new SummaryRecorder(false);
    private final SummaryRecorder observerSyncMs = new SummaryRecorder(false);
    private long lookingCount;
    private long lookingSinceNanos = NOT_STARTED;
    private long unavailableSinceNanos = NOT_STARTED;
    private long syncSinceNanos = NOT_STARTED;
    /** Since this member took the leader's role (before its followers synced, as ZooKeeper's Leader.lead starts). */
    private long leadingSinceNanos = NOT_STARTED;

    /** The member's role or serving state changed (also at start, looking). */
    void changed(Role role, boolean serving, boolean observer, long nowNanos) {
        if (role != Role.LEADING) {
            leadingSinceNanos = NOT_STARTED;
        } else if (leadingSinceNanos == NOT_STARTED) {
            leadingSinceNanos = nowNanos;
        }
        if (role == Role.LOOKING) {
            if (lookingSinceNanos == NOT_STARTED) {
                lookingSinceNanos = nowNanos;
                lookingCount++;
            }
            if (unavailableSinceNanos == NOT_STARTED) {
                unavailableSinceNanos = nowNanos;
            }
            syncSinceNanos = NOT_STARTED;
            return;
        }
        if (lookingSinceNanos != NOT_STARTED) {
            electionMs.record(ms(nowNanos - lookingSinceNanos));
            lookingSinceNanos = NOT_STARTED;
            syncSinceNanos = nowNanos;
        }
        if (!serving) {
            // A leader chosen but not yet synced: unavailable still; a lost sync restarts the wait.
            if (unavailableSinceNanos == NOT_STARTED) {
                unavailableSinceNanos = nowNanos;
            }
            return;
        }
        if (unavailableSinceNanos != NOT_STARTED) {
            unavailableMs.record(ms(nowNanos - unavailableSinceNanos));
            if (role == Role.LEADING) {
                leaderUnavailableMs.record(ms(nowNanos - unavailableSinceNanos));
            }
            unavailableSinceNanos = NOT_STARTED;
        }
        if (syncSinceNanos != NOT_STARTED && role == Role.FOLLOWING) {
            (observer ? observerSyncMs : followerSyncMs).record(ms(nowNanos - syncSinceNanos));
        }
        syncSinceNanos = NOT_STARTED;
    }

    /** ms since this member became leader, or -1 while it is not the leader. */
    long leaderUptimeMs(long nowNanos) {
        return leadingSinceNanos == NOT_STARTED ? -1 : (nowNanos - leadingSinceNanos) / 1_000_000;
    }

    long lookingCount() {
        return lookingCount;
    }

    void putSummaries(Map<String, MetricSummary> into) {
        into.put("election_time", electionMs.snapshot());
        into.put("unavailable_time", unavailableMs.snapshot());
        into.put("leader_unavailable_time", leaderUnavailableMs.snapshot());
        into.put("follower_sync_time", followerSyncMs.snapshot());
        into.put("observer_sync_time", observerSyncMs.snapshot());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
