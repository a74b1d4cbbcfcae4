package io.coord.client;

/**
 * Retries every {@code sleepMs} until {@code maxElapsedMs} have passed since the first attempt;
 * the last sleep is shortened so no attempt starts after the deadline.
 */
public record RetryUntilElapsed(long maxElapsedMs, long sleepMs) implements RetryPolicy {
    public RetryUntilElapsed {
        if (maxElapsedMs < 0 || sleepMs < 0) {
            throw new IllegalArgumentException("maxElapsedMs and sleepMs must be >= 0");
        }
    }

    @Override
    public long sleepMsBeforeRetry(int retryCount, long elapsedMs) {
        long left = maxElapsedMs - elapsedMs;
        return left <= 0 ? -1 : Math.min(sleepMs, left);
    }
}
