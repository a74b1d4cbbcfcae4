package io.coord.client;

/**
 * Decides whether, and after how long, an operation that failed with a connection loss is tried
 * again. Only operations that are safe to repeat are retried (see {@link CoordClient}).
 */
@FunctionalInterface
public interface RetryPolicy {
    /** Never retry. */
    RetryPolicy NONE = (retryCount, elapsedMs) -> -1;

    /**
     * @param retryCount how many retries were already made (0 before the first retry)
     * @param elapsedMs  time since the first attempt started
     * @return milliseconds to sleep before the next attempt, or a negative number to give up
     */
    long sleepMsBeforeRetry(int retryCount, long elapsedMs);
}
