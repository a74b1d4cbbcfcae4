package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DataTree;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the standalone pipeline expires a session, on an injected clock: the test plays the request
 * thread, calling {@link RequestProcessor#onTick} whenever the delay it returned has passed (what
 * {@code RequestThread} does when no task arrives), starting at a time unaligned with tickTime.
 * ZooKeeper's expirer wakes at the bucket's time (the deadline rounded up to the next multiple of
 * tickTime), so a session goes within timeout + tickTime of its last activity; a timer of its own
 * phase (tickTime / 2 from wherever the thread started) expired it up to half a tick after that.
 */
class ExpiryTimingTest {
    private static final int TICK_MS = 2000;
    private static final int TIMEOUT_MS = 6000;

    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(1_300);
    private final Clock clock = nowMs::get;

    @Test
    void sessionExpiresAtItsBucketTime() {
        SessionTracker tracker = tracker();
        RequestProcessor processor = processor(tracker);
        nowMs.set(1_700);
        long id = tracker.createSession(TIMEOUT_MS).sessionId();

        long expiredAt = runUntilGone(processor, tracker, id, 1_300);

        // deadline 7700 → bucket 8000 (the next multiple of 2000)
        assertEquals(8_000, expiredAt);
        assertTrue(expiredAt - 1_700 <= TIMEOUT_MS + TICK_MS);
    }

    @Test
    void touchedSessionExpiresAtItsNewBucketTime() {
        SessionTracker tracker = tracker();
        RequestProcessor processor = processor(tracker);
        nowMs.set(500);
        long id = tracker.createSession(TIMEOUT_MS).sessionId();
        nowMs.set(4_100);
        assertTrue(tracker.touch(id));

        long expiredAt = runUntilGone(processor, tracker, id, 4_100);

        // last activity 4100 → deadline 10100 → bucket 12000; never before the full timeout
        assertEquals(12_000, expiredAt);
        assertTrue(expiredAt - 4_100 >= TIMEOUT_MS);
    }

    /** Plays an idle request thread from {@code startMs}; returns the clock when the session went. */
    private long runUntilGone(RequestProcessor processor, SessionTracker tracker, long id, long startMs) {
        long t = startMs;
        while (t < 60_000) {
            nowMs.set(t);
            long delayMs = processor.onTick(t);
            if (!tracker.contains(id)) {
                return t;
            }
            assertTrue(delayMs >= 1, "the thread always waits a little");
            t += delayMs;
        }
        throw new AssertionError("session never expired");
    }

    private SessionTracker tracker() {
        return new SessionTracker(clock, TICK_MS, 0, new byte[32]);
    }

    private RequestProcessor processor(SessionTracker tracker) {
        ServerConfig config = ServerConfig.builder(dir).tickTimeMs(TICK_MS).build();
        StorageInfo storage = StorageInfo.of(dir, dir, () -> 0, () -> 0, () -> 0);
        return new RequestProcessor(config, clock, new RecoveredState(new DataTree(), tracker, 0),
                (zxid, txn) -> { }, storage, SnapshotTrigger.NONE);
    }
}
