package io.coord.client;

/** Retries {@code n} times, sleeping {@code sleepMs} before each retry. */
public record RetryNTimes(int n, long sleepMs) implements RetryPolicy {
    public RetryNTimes {
        if (n < 0 || sleepMs < 0) {
            throw new IllegalArgumentException("n and sleepMs must be >= 0");
        }
    }

    @Override
    public long sleepMsBeforeRetry(int retryCount, long elapsedMs) {
        return retryCount < n ? sleepMs : -1;
    }
}
