package io.coord.server.pipeline;

import io.coord.server.session.SessionTracker;
import io.coord.server.zab.Role;
import java.util.List;

/**
 * When an ensemble member's request thread wakes, and the session work it does then. The ZAB core
 * is ticked every {@code coreTickMs} (≤ 50 ms). On each core tick a serving follower reports the
 * sessions its clients touched to the leader: the leader restarts a session's timeout when the
 * report arrives, so reporting once a tickTime made a follower's session expire up to a tickTime
 * after its bucket. The leader checks the expiry buckets on every wake-up and is woken at the next
 * tick boundary ({@link SessionTracker#nextCheckMs}), where every bucket sits, so a bucket expires at
 * its own time rather than up to a timer period later. Request thread only.
 */
final class EnsembleSessionTicks {
    private static final long[] NONE = new long[0];

    /** The member this runs for. */
    interface Member {
        /** LEADING or FOLLOWING while serving clients, else LOOKING. */
        Role servingRole();

        /** The session table (a SNAP install replaces it). */
        SessionTracker tracker();

        /** The sessions touched since the last call. */
        long[] drainTouched();

        /** Follower: tell the leader these sessions were active. */
        void reportTouches(long[] sessionIds);

        /** Leader: close these sessions, their bucket is due (they are already marked closing). */
        void expire(List<Long> sessionIds);
    }

    private final Member member;
    private final int coreTickMs;
    private long nextCoreTickMs;

    EnsembleSessionTicks(Member member, int coreTickMs) {
        this.member = member;
        this.coreTickMs = coreTickMs;
    }

    /**
     * One wake-up of the request thread at {@code nowMs}: runs {@code coreTick} (the core's tick and
     * the member's periodic work) when a core tick is due, then the session work. Returns how long
     * until the thread must wake again.
     */
    long onTick(long nowMs, Runnable coreTick) {
        if (nowMs >= nextCoreTickMs) {
            nextCoreTickMs = nowMs + coreTickMs;
            coreTick.run();
            Role role = member.servingRole();
            long[] touched = role == Role.LOOKING ? NONE : member.drainTouched();
            if (role == Role.FOLLOWING && touched.length > 0) {
                member.reportTouches(touched);
            }
        }
        if (member.servingRole() == Role.LEADING) {
            List<Long> due = member.tracker().expire();
            if (!due.isEmpty()) {
                member.expire(due);
            }
        }
        long wakeMs = Math.min(nextCoreTickMs, member.tracker().nextCheckMs(nowMs));
        return Math.max(1, wakeMs - nowMs);
    }
}
