package io.coord.server.pipeline;

import io.coord.server.admin.QuorumStatus;
import io.coord.server.zab.Zxid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * When this member, as leader, proposed its recent zxids (on its injected clock), so that a
 * follower's lag can be told in ms as well as in zxids: the age of the oldest proposal it has not
 * acked. The ZAB core keeps no clock, so the adapter keeps this. Request thread only; two array
 * stores per proposal, a fixed window of the last {@value #CAPACITY} proposals (a follower further
 * behind than that is reported at least as late as the oldest one kept).
 */
final class ProposalTimes {
    static final int CAPACITY = 1 << 14;
    private static final int MASK = CAPACITY - 1;
    private final long[] zxids = new long[CAPACITY];
    private final long[] proposedAtMs = new long[CAPACITY];
    /** Proposals recorded so far; the window is the last min(count, CAPACITY) of them, zxids increasing. */
    private long count;

    void proposed(long zxid, long nowMs) {
        int i = (int) (count & MASK);
        zxids[i] = zxid;
        proposedAtMs[i] = nowMs;
        count++;
    }

    /** Each follower's lag behind {@code lastZxid}, in zxids and in ms, in id order. */
    List<QuorumStatus.FollowerLag> lags(SortedMap<Long, Long> ackedZxidByFollower, long lastZxid, long nowMs) {
        List<QuorumStatus.FollowerLag> lags = new ArrayList<>(ackedZxidByFollower.size());
        for (Map.Entry<Long, Long> e : ackedZxidByFollower.entrySet()) {
            long acked = e.getValue();
            long since = firstProposedAfterMs(acked);
            lags.add(new QuorumStatus.FollowerLag(e.getKey(), lagZxids(lastZxid, acked),
                    since < 0 || acked >= lastZxid ? 0 : Math.max(0, nowMs - since)));
        }
        return lags;
    }

    /** Txns in the leader's log after {@code ackedZxid}: the counter difference within an epoch, else this epoch's txns. */
    static long lagZxids(long lastZxid, long ackedZxid) {
        if (ackedZxid >= lastZxid) {
            return 0;
        }
        return Zxid.epochOf(ackedZxid) == Zxid.epochOf(lastZxid)
                ? Zxid.counterOf(lastZxid) - Zxid.counterOf(ackedZxid) : Zxid.counterOf(lastZxid);
    }

    /** When the first recorded zxid above {@code ackedZxid} was proposed; -1 when none is recorded. */
    private long firstProposedAfterMs(long ackedZxid) {
        long i = indexAfter(ackedZxid);
        return i == count ? -1 : proposedAtMs[(int) (i & MASK)];
    }

    /**
     * The position (0 for the first proposal ever recorded) of the first kept proposal above
     * {@code zxid}; {@link #count()} when there is none. Positions below {@code count() - CAPACITY}
     * are no longer kept.
     */
    long indexAfter(long zxid) {
        return search(zxid, Math.max(0, count - CAPACITY));
    }

    /**
     * As {@link #indexAfter(long)}, starting from {@code hint}, a position the caller got from an
     * earlier call for a zxid not above this one (its cursor): acks, commits and log syncs move
     * forward a few txns at a time, so this steps over those few instead of searching the whole
     * window for each (the binary search per txn cost the request thread a few % under load).
     */
    long indexAfter(long zxid, long hint) {
        long first = Math.max(0, count - CAPACITY);
        long i = Math.max(first, Math.min(hint, count));
        if (i > first && zxids[(int) ((i - 1) & MASK)] > zxid) {
            return search(zxid, first); // the hint is past the answer: not a cursor for this zxid
        }
        for (int steps = 0; i < count && zxids[(int) (i & MASK)] <= zxid; steps++, i++) {
            if (steps == 8) {
                return search(zxid, i);
            }
        }
        return i;
    }

    /** The first position in [lo, count] whose zxid is above {@code zxid} (those below lo are not). */
    private long search(long zxid, long lo) {
        long hi = count; // the first recorded proposal above zxid is in [lo, hi]; hi means none
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (zxids[(int) (mid & MASK)] > zxid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Proposals recorded so far (the position the next one gets). */
    long count() {
        return count;
    }

    /** The zxid at a kept position (see {@link #indexAfter}). */
    long zxidAt(long index) {
        return zxids[(int) (index & MASK)];
    }

    /** When the proposal at a kept position was made, ms on the clock given to {@link #proposed}. */
    long proposedAtMs(long index) {
        return proposedAtMs[(int) (index & MASK)];
    }
}
