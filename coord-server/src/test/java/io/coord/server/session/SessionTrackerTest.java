package io.coord.server.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Id;
import io.coord.wire.WireFormatException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SessionTrackerTest {
    private static final int TICK_MS = 2000;
    private static final long SERVER_ID = 3;
    private static final byte[] SECRET = "0123456789abcdef-test-secret".getBytes();

    /** Hand-driven clock; wall time is a fixed distinct value so the id seed is predictable. */
    private static final class FakeClock implements Clock {
        long nowMs = 10_000;
        final long wallMs;

        FakeClock(long wallMs) {
            this.wallMs = wallMs;
        }

        @Override
        public long nowMs() {
            return nowMs;
        }

        @Override
        public long wallMs() {
            return wallMs;
        }
    }

    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private final SessionTracker tracker = new SessionTracker(clock, TICK_MS, SERVER_ID, SECRET);

    @Test
    void idsCarryServerIdAndStartTimeAndIncrement() {
        long first = tracker.createSession(4000).sessionId();
        long second = tracker.createSession(4000).sessionId();
        assertEquals(SERVER_ID, first >>> 56);
        assertEquals(0, first & 0xFFFF, "low two bytes start at zero");
        assertEquals(1_700_000_000_000L & 0xFF_FFFF_FFFFL, (first >>> 16) & 0xFF_FFFF_FFFFL);
        assertEquals(first + 1, second);
    }

    @Test
    void initialIdAvoidsContainerMarkerAndHighServerIds() {
        assertEquals(0x8000000000000001L, SessionTracker.initialSessionId(0x80, 0));
        assertEquals(254L, SessionTracker.initialSessionId(254, 123) >>> 56);
        assertThrows(IllegalArgumentException.class, () -> new SessionTracker(clock, TICK_MS, 255, SECRET));
        assertThrows(IllegalArgumentException.class, () -> new SessionTracker(clock, TICK_MS, 1, new byte[8]));
    }

    @Test
    void expiresAtFirstTickAfterTimeoutNotBefore() {
        // now 10000, timeout 4000: deadline 14000, bucket is the next multiple of 2000 after it.
        long id = tracker.createSession(4000).sessionId();
        assertEquals(16_000, tracker.nextExpiryMs());
        clock.nowMs = 15_999;
        assertEquals(List.of(), tracker.expire());
        assertTrue(tracker.isValid(id));
        clock.nowMs = 16_000;
        assertEquals(List.of(id), tracker.expire());
        assertFalse(tracker.isValid(id));
        assertTrue(tracker.isClosing(id));
        assertTrue(tracker.contains(id), "stays tracked until the close txn removes it");
    }

    @Test
    void unalignedStartRoundsUpWithinOneTick() {
        clock.nowMs = 10_500;
        long id = tracker.createSession(4000).sessionId();
        clock.nowMs = 14_499;
        assertEquals(List.of(), tracker.expire());
        clock.nowMs = 15_999;
        assertEquals(List.of(), tracker.expire());
        clock.nowMs = 16_000;
        assertEquals(List.of(id), tracker.expire());
    }

    @Test
    void touchExtendsTheDeadline() {
        long id = tracker.createSession(4000).sessionId();
        clock.nowMs = 13_000;
        assertTrue(tracker.touch(id));
        clock.nowMs = 16_000;
        assertEquals(List.of(), tracker.expire(), "touched at 13000: deadline 17000");
        clock.nowMs = 18_000;
        assertEquals(List.of(id), tracker.expire());
        assertFalse(tracker.touch(id), "a closing session cannot be revived");
        assertFalse(tracker.touch(12345L), "unknown session");
    }

    @Test
    void closingSessionsAreNotReturnedTwice() {
        long a = tracker.createSession(4000).sessionId();
        long b = tracker.createSession(4000).sessionId();
        long c = tracker.createSession(8000).sessionId();
        assertTrue(tracker.setClosing(b));
        clock.nowMs = 16_000;
        assertEquals(List.of(a), tracker.expire(), "b is already closing by request");
        assertEquals(List.of(), tracker.expire());
        clock.nowMs = 20_000;
        assertEquals(List.of(c), tracker.expire());
        clock.nowMs = 100_000;
        assertEquals(List.of(), tracker.expire());
        assertEquals(-1, tracker.nextExpiryMs());
    }

    @Test
    void removeForgetsSessionAndItsBucket() {
        long id = tracker.createSession(4000).sessionId();
        tracker.addAuth(id, new Id("digest", "u:x"));
        assertTrue(tracker.remove(id));
        assertFalse(tracker.remove(id));
        assertFalse(tracker.contains(id));
        assertEquals(-1, tracker.timeoutMs(id));
        assertEquals(List.of(), tracker.authIds(id));
        clock.nowMs = 100_000;
        assertEquals(List.of(), tracker.expire());
    }

    @Test
    void addSessionForReplayUsesGivenIdAndTimeout() {
        long id = 0x0500_0000_0000_0042L;
        assertTrue(tracker.addSession(id, 6000));
        assertEquals(6000, tracker.timeoutMs(id));
        assertFalse(tracker.addSession(id, 8000), "already tracked");
        assertEquals(8000, tracker.timeoutMs(id));
        clock.nowMs = 19_999;
        assertEquals(List.of(), tracker.expire());
        clock.nowMs = 20_000;
        assertEquals(List.of(id), tracker.expire());
    }

    @Test
    void negotiateTimeoutClamps() {
        assertEquals(4000, SessionTracker.negotiateTimeout(1000, 4000, 40000));
        assertEquals(40000, SessionTracker.negotiateTimeout(90000, 4000, 40000));
        assertEquals(10000, SessionTracker.negotiateTimeout(10000, 4000, 40000));
        assertEquals(4000, SessionTracker.negotiateTimeout(-5, 4000, 40000));
        assertThrows(IllegalArgumentException.class, () -> SessionTracker.negotiateTimeout(1, 5, 4));
    }

    @Test
    void passwordsAreStableAcrossInstancesAndDistinctPerSessionAndSecret() {
        SessionInfo a = tracker.createSession(4000);
        SessionInfo b = tracker.createSession(4000);
        assertEquals(SessionTracker.PASSWORD_LENGTH, a.password().length);
        assertFalse(java.util.Arrays.equals(a.password(), b.password()));
        assertTrue(tracker.checkPassword(a.sessionId(), a.password()));
        assertFalse(tracker.checkPassword(a.sessionId(), b.password()));
        assertFalse(tracker.checkPassword(a.sessionId(), null));
        assertFalse(tracker.checkPassword(a.sessionId(), new byte[16]));

        SessionTracker restarted = new SessionTracker(new FakeClock(42), TICK_MS, SERVER_ID, SECRET);
        assertArrayEquals(a.password(), restarted.password(a.sessionId()));
        assertTrue(restarted.checkPassword(b.sessionId(), b.password()));

        byte[] otherSecret = SessionTracker.newSecret(new SplittableRandom(7));
        SessionTracker other = new SessionTracker(clock, TICK_MS, SERVER_ID, otherSecret);
        assertFalse(other.checkPassword(a.sessionId(), a.password()));
    }

    @Test
    void passwordsOfManyIdsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(java.util.HexFormat.of().formatHex(tracker.createSession(4000).password()));
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void authIdsPerSession() {
        long a = tracker.createSession(4000).sessionId();
        long b = tracker.createSession(4000).sessionId();
        Id alice = new Id("digest", "alice:hash");
        assertTrue(tracker.addAuth(a, alice));
        tracker.addAuth(a, alice);
        tracker.addAuth(a, new Id("ip", "127.0.0.1"));
        assertEquals(List.of(alice, new Id("ip", "127.0.0.1")), tracker.authIds(a));
        assertEquals(List.of(), tracker.authIds(b));
        assertFalse(tracker.addAuth(999L, alice));
        assertThrows(UnsupportedOperationException.class, () -> tracker.authIds(a).add(alice));
    }

    @Test
    void viewsAreImmutableCopies() {
        long a = tracker.createSession(4000).sessionId();
        clock.nowMs = 11_000;
        Map<Long, Integer> timeouts = tracker.sessionTimeouts();
        assertEquals(Map.of(a, 4000), timeouts);
        assertEquals(Map.of(a, 3000), tracker.remainingMs());
        assertEquals(Map.of(16_000L, List.of(a)), tracker.expiryBuckets());
        tracker.remove(a);
        assertEquals(Map.of(a, 4000), timeouts, "copy is detached from the table");
        assertThrows(UnsupportedOperationException.class, () -> timeouts.put(1L, 1));
    }

    @Test
    void restoreRecoversTimeoutsAndRemainingTime() {
        SessionInfo a = tracker.createSession(4000);
        SessionInfo b = tracker.createSession(30_000);
        SessionInfo c = tracker.createSession(10_000);
        tracker.setClosing(c.sessionId());
        clock.nowMs = 13_000; // a has 1000 left, b 27000
        byte[] bytes = tracker.serialize();

        FakeClock later = new FakeClock(1_700_000_000_000L);
        later.nowMs = 500_000; // monotonic origin differs after a restart
        SessionTracker restored = SessionTracker.restore(bytes, later, TICK_MS, SERVER_ID, SECRET);
        assertEquals(Map.of(a.sessionId(), 4000, b.sessionId(), 30_000, c.sessionId(), 10_000),
                restored.sessionTimeouts());
        assertEquals(Map.of(a.sessionId(), 1000, b.sessionId(), 27_000, c.sessionId(), 0),
                restored.remainingMs());
        assertTrue(restored.checkPassword(a.sessionId(), a.password()));

        later.nowMs = 502_000; // a: due 501000 -> bucket 502000; c: due 500000 -> bucket 502000
        assertEquals(Set.of(a.sessionId(), c.sessionId()), new HashSet<>(restored.expire()));
        later.nowMs = 527_999;
        assertEquals(List.of(), restored.expire());
        later.nowMs = 528_000;
        assertEquals(List.of(b.sessionId()), restored.expire());

        long fresh = restored.createSession(4000).sessionId();
        assertTrue(fresh > c.sessionId(), "new ids continue after restored ones");
    }

    @Test
    void restoreRejectsBadBytes() {
        tracker.createSession(4000);
        byte[] good = tracker.serialize();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThrows(WireFormatException.class,
                () -> SessionTracker.restore(truncated, clock, TICK_MS, SERVER_ID, SECRET));
        byte[] hugeCount = good.clone();
        hugeCount[12] = 0x7f; // count field follows version (4) and next id (8)
        assertThrows(WireFormatException.class,
                () -> SessionTracker.restore(hugeCount, clock, TICK_MS, SERVER_ID, SECRET));
        byte[] badVersion = good.clone();
        badVersion[3] = 9;
        assertThrows(WireFormatException.class,
                () -> SessionTracker.restore(badVersion, clock, TICK_MS, SERVER_ID, SECRET));
    }

    @Test
    void emptyTableRoundTrips() {
        SessionTracker restored = SessionTracker.restore(tracker.serialize(), clock, TICK_MS, SERVER_ID, SECRET);
        assertEquals(0, restored.size());
        assertNotEquals(0L, restored.createSession(4000).sessionId());
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> tracker.createSession(0));
        assertThrows(IllegalArgumentException.class, () -> tracker.addSession(5L, -1));
    }

    @Test
    void expiryLagIsHowLateAfterItsDeadlineASessionWasExpired() {
        assertEquals(0, tracker.expiryLagMaxMs());
        // deadline 14000, bucket 16000; expired at 16000 (on time for its bucket): 2000 ms after the deadline.
        long first = tracker.createSession(4000).sessionId();
        clock.nowMs = 16_000;
        assertEquals(List.of(first), tracker.expire());
        assertEquals(2_000, tracker.expiryLagMaxMs());
        assertEquals(1, tracker.expiredCount());
        // deadline 20000, bucket 22000; the owner calls expire() late, at 25500: 5500 ms after the deadline.
        long second = tracker.createSession(4000).sessionId();
        clock.nowMs = 25_500;
        assertEquals(List.of(second), tracker.expire());
        assertEquals(5_500, tracker.expiryLagMaxMs());
        assertEquals(2, tracker.expiredCount());
        // A later, timelier expiry leaves the maximum alone.
        long third = tracker.createSession(4000).sessionId();
        clock.nowMs = 32_000;
        assertEquals(List.of(third), tracker.expire());
        assertEquals(5_500, tracker.expiryLagMaxMs());
        assertEquals(3, tracker.expiredCount());
    }
}
