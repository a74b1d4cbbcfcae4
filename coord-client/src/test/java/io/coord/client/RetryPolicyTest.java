package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static List<Long> sequence(RetryPolicy p, long elapsedStepMs) {
        List<Long> out = new ArrayList<>();
        long elapsed = 0;
        for (int i = 0; i < 100; i++) {
            long s = p.sleepMsBeforeRetry(i, elapsed);
            if (s < 0) {
                break;
            }
            out.add(s);
            elapsed += s + elapsedStepMs;
        }
        return out;
    }

    @Test
    void exponentialBackoffDoublesUpToTheCap() {
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), sequence(new ExponentialBackoff(100, 1000, 6), 0));
        assertEquals(List.of(), sequence(new ExponentialBackoff(100, 1000, 0), 0));
        assertEquals(5000L, new ExponentialBackoff(1, 5000, Integer.MAX_VALUE).sleepMsBeforeRetry(90, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(10, 5, 1));
    }

    @Test
    void retryNTimesSleepsTheSameEachTime() {
        assertEquals(List.of(50L, 50L, 50L), sequence(new RetryNTimes(3, 50), 0));
        assertEquals(List.of(), sequence(RetryPolicy.NONE, 0));
    }

    @Test
    void retryUntilElapsedStopsAtTheDeadline() {
        // Each attempt itself takes 10 ms; the last sleep is cut to the time left.
        assertEquals(List.of(100L, 100L, 100L, 70L), sequence(new RetryUntilElapsed(400, 100), 10));
        assertEquals(-1, new RetryUntilElapsed(400, 100).sleepMsBeforeRetry(0, 400));
    }

    @Test
    void retrierRetriesOnlyConnectionLossAndUsesTheProbe() throws Exception {
        List<Long> sleeps = new ArrayList<>();
        AtomicLong clock = new AtomicLong();
        Retrier retrier = new Retrier(new RetryNTimes(5, 30), (task, ms) -> {
            sleeps.add(ms);
            clock.addAndGet(ms * 1_000_000);
            task.run();
        }, clock::get);
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> ok = retrier.run(() -> attempts.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new CoordException.ConnectionLossException("/a", null))
                : CompletableFuture.completedFuture("done"), null);
        assertEquals("done", ok.get());
        assertEquals(3, attempts.get());
        assertEquals(List.of(30L, 30L), sleeps);

        CompletableFuture<String> noNode = retrier.run(
                () -> CompletableFuture.failedFuture(new CoordException.NoNodeException("/a")), null);
        assertInstanceOf(CoordException.NoNodeException.class,
                assertThrows(ExecutionException.class, noNode::get).getCause());

        AtomicInteger creates = new AtomicInteger();
        CompletableFuture<String> probed = retrier.run(() -> {
            creates.incrementAndGet();
            return CompletableFuture.failedFuture(new CoordException.ConnectionLossException("/a", null));
        }, () -> CompletableFuture.completedFuture("found"));
        assertEquals("found", probed.get());
        assertEquals(1, creates.get());
    }
}
