package io.coord.server.admin;

import java.util.function.LongSupplier;

/**
 * At most one run per interval (ZooKeeper's admin rate limiter with one permit): a run is allowed
 * when the previous allowed one began at least {@code intervalMs} ago; 0 allows every run.
 */
final class RateLimiter {
    private final long intervalMs;
    private final LongSupplier nowMs;
    private long lastMs;
    private boolean used;

    RateLimiter(long intervalMs, LongSupplier nowMs) {
        this.intervalMs = intervalMs;
        this.nowMs = nowMs;
    }

    synchronized boolean tryAcquire() {
        long now = nowMs.getAsLong();
        if (used && now - lastMs < intervalMs) {
            return false;
        }
        used = true;
        lastMs = now;
        return true;
    }
}
