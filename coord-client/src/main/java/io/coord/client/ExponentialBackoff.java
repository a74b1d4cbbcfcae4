package io.coord.client;

/**
 * Sleeps {@code baseMs}, {@code 2*baseMs}, {@code 4*baseMs}, ... capped at {@code maxMs}, for at
 * most {@code maxRetries} retries. Deterministic (no jitter), so its sequence can be tested.
 */
public record ExponentialBackoff(long baseMs, long maxMs, int maxRetries) implements RetryPolicy {
    public ExponentialBackoff {
        if (baseMs < 0 || maxMs < baseMs || maxRetries < 0) {
            throw new IllegalArgumentException("need 0 <= baseMs <= maxMs and maxRetries >= 0");
        }
    }

    @Override
    public long sleepMsBeforeRetry(int retryCount, long elapsedMs) {
        if (retryCount >= maxRetries) {
            return -1;
        }
        int shift = Math.min(retryCount, 62);
        long sleep = baseMs << shift;
        return sleep < 0 || (sleep >> shift) != baseMs ? maxMs : Math.min(maxMs, sleep);
    }
}
