package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.zab.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A leader and a follower on one injected clock, each woken when its {@link EnsembleSessionTicks}
 * asks (what the request thread does when idle), their core ticks out of phase with each other and
 * with tickTime. A client active on the follower must lose its session at the bucket of the
 * deadline the leader learns: at most a core tick after the activity, rounded up to tickTime — so
 * within timeout + tickTime + one core tick of the activity, and exactly at a bucket time. Reporting
 * touches once a tickTime and expiring on the leader's own tickTime timer (the earlier code) lost it
 * up to two tickTimes later.
 */
class EnsembleSessionTicksTest {
    private static final int TICK_MS = 2000;
    private static final int CORE_TICK_MS = 50;
    private static final int TIMEOUT_MS = 6000;

    private final AtomicLong nowMs = new AtomicLong();
    private final Clock clock = nowMs::get;
    private final FakeMember leader = new FakeMember(Role.LEADING);
    private final FakeMember follower = new FakeMember(Role.FOLLOWING);

    @Test
    void followerSessionExpiresAtTheBucketOfItsLastActivity() {
        long id = 0x1234;
        leader.tracker.addSession(id, TIMEOUT_MS);
        follower.tracker.addSession(id, TIMEOUT_MS);
        follower.leader = leader;

        long activityMs = 1_234;
        long expiredAt = run(13, 37, id, activityMs);

        // reported at the follower's next core tick (1263): deadline 7263 → bucket 8000
        assertEquals(8_000, expiredAt);
        assertTrue(expiredAt - activityMs >= TIMEOUT_MS, "never before the full timeout");
        assertTrue(expiredAt - activityMs <= TIMEOUT_MS + TICK_MS + CORE_TICK_MS);
    }

    @Test
    void leaderSessionExpiresAtItsBucket() {
        long id = 0x99;
        leader.tracker.addSession(id, TIMEOUT_MS);
        follower.tracker.addSession(id, TIMEOUT_MS);

        long expiredAt = run(29, 41, id, -1);

        assertEquals(8_000, expiredAt); // created at 0 by the test: deadline 6000 → bucket 8000
    }

    /**
     * Plays both members from their first wake-up; the client touches the session on the follower at
     * {@code activityMs} (none when negative). Returns when the leader expired the session.
     */
    private long run(long followerStartMs, long leaderStartMs, long id, long activityMs) {
        EnsembleSessionTicks f = new EnsembleSessionTicks(follower, CORE_TICK_MS);
        EnsembleSessionTicks l = new EnsembleSessionTicks(leader, CORE_TICK_MS);
        long fWake = followerStartMs;
        long lWake = leaderStartMs;
        boolean touched = activityMs < 0;
        while (leader.expired.isEmpty()) {
            long t = Math.min(fWake, lWake);
            if (!touched && activityMs <= t) {
                nowMs.set(activityMs);
                follower.clientActivity(id);
                touched = true;
                continue;
            }
            nowMs.set(t);
            if (t == fWake) {
                fWake = t + f.onTick(t, () -> { });
            }
            if (t == lWake) {
                lWake = t + l.onTick(t, () -> { });
            }
            assertTrue(t < 60_000, "never expired");
        }
        assertEquals(List.of(id), leader.expired);
        return leader.expiredAtMs;
    }

    private final class FakeMember implements EnsembleSessionTicks.Member {
        final Role role;
        final SessionTracker tracker = new SessionTracker(clock, TICK_MS, 1, new byte[32]);
        final Set<Long> touched = new LinkedHashSet<>();
        final List<Long> expired = new ArrayList<>();
        long expiredAtMs = -1;
        FakeMember leader;

        FakeMember(Role role) {
            this.role = role;
        }

        void clientActivity(long id) {
            tracker.touch(id);
            touched.add(id);
        }

        @Override
        public Role servingRole() {
            return role;
        }

        @Override
        public SessionTracker tracker() {
            return tracker;
        }

        @Override
        public long[] drainTouched() {
            long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
            touched.clear();
            return ids;
        }

        @Override
        public void reportTouches(long[] sessionIds) {
            for (long id : sessionIds) {
                leader.tracker.touch(id); // what the leader's onTouch does, at its clock's now
            }
        }

        @Override
        public void expire(List<Long> sessionIds) {
            expired.addAll(sessionIds);
            expiredAtMs = nowMs.get();
        }
    }
}
